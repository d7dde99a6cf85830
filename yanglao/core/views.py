"""core's pages. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from asgiref.sync import sync_to_async
from axes import helpers as axes_helpers
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from yanglao.core import (
    events,
    exports,
    importing,
    list_exports,
    lists,
    navigation,
    pages,
    selectors,
    services,
)
from yanglao.core.choices import OrganisationKind
from yanglao.core.errors import DomainError
from yanglao.core.filters import OrganisationFilterSet
from yanglao.core.forms import (
    AuditFilterForm,
    ImportUploadForm,
    OrganisationForm,
    PasswordChangeForm,
    TokenForm,
    domain_errors_to_form,
)
from yanglao.core.models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lock-out answer (AXES_LOCKOUT_CALLABLE), with the cool-off in Chinese words."""
    wait = axes_helpers.get_cool_off(request)
    return render(request, "core/locked_out.html", {"wait": _duration(wait) if wait else ""}, status=429)


def _duration(span: dt.timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    return " ".join(
        part for part in (f"{hours} 小时" if hours else "", f"{minutes} 分钟" if minutes else "") if part
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    summary = selectors.home_summary(user=request.user)
    kinds = dict(OrganisationKind.choices)
    by_kind = [(kinds.get(kind, kind), n) for kind, n in summary.by_kind]
    panels = navigation.panels_for(request.user)
    return render(request, "core/home.html", {"summary": summary, "by_kind": by_kind, "panels": panels})


@login_required
@permission_required("core.view_region", raise_exception=True)
def region_index(request: HttpRequest) -> HttpResponse:
    roots = selectors.region_roots(user=request.user)
    if len(roots) == 1:
        return redirect("core:region_detail", code=roots[0].code)
    return render(request, "core/region_index.html", {"roots": roots})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    rows = selectors.region_children_with_counts(user=request.user, region=region)
    ancestors = [r for r in selectors.region_ancestors(region) if request.user.in_scope(r.code)]
    context = {
        "region": region,
        "rows": rows,
        "ancestors": ancestors,
        "region_links": navigation.region_links_for(request.user),
    }
    return render(request, "core/region_detail.html", context)


@login_required
@permission_required("core.view_organisation", raise_exception=True)
def organisation_list(request: HttpRequest) -> HttpResponse:
    fs = OrganisationFilterSet(request.GET, user=request.user)
    template = lists.fragment(request, "core/organisation_list.html", "core/_organisation_rows.html")
    context = lists.page_context(request, fs)
    context["total"] = fs.qs.order_by().count()  # organisations number in the thousands: a count is cheap
    return render(request, template, context)


@login_required
@permission_required("core.view_organisation", raise_exception=True)
def organisation_export(request: HttpRequest) -> HttpResponse:
    return list_exports.ORGANISATIONS.respond(request)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, organisation_id=pk)
    can_change = request.user.has_perm("core.change_organisation")
    return render(request, "core/organisation_detail.html", {"org": org, "can_change": can_change})


def _organisation_form_page(request, *, org=None) -> HttpResponse:
    regions = selectors.regions_for_choice(user=request.user)
    initial = {}
    if org is not None:
        initial = {f: getattr(org, f) for f in services.ORGANISATION_FIELDS} | {"region_code": org.region_id}

    def save(data: dict):
        if org is None:
            return services.organisation_create(actor=request.user, **data)
        return services.organisation_update(actor=request.user, organisation_id=org.pk, **data)

    return pages.form_page(
        request,
        OrganisationForm(request.POST or None, regions=regions, initial=initial),
        template="core/organisation_form.html",
        context={"org": org},
        save=save,
        success_url=lambda saved: reverse("core:organisation_detail", args=[saved.pk]),
        message=lambda saved: f"{'已登记' if org is None else '已保存'}：{saved.name}",
    )


@login_required
@permission_required("core.add_organisation", raise_exception=True)
def organisation_create(request: HttpRequest) -> HttpResponse:
    return _organisation_form_page(request)


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, organisation_id=pk, action="change")
    return _organisation_form_page(request, org=org)


@login_required
@permission_required("core.view_audit", raise_exception=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.AuditFilter(
        actor=data.get("actor") or "",
        action=data.get("action") or "",
        since=data.get("since"),
        until=data.get("until"),
        q=data.get("q") or "",
        person=data.get("person") or "",
    )
    page = selectors.audit_page(user=request.user, filters=filters, before=data.get("before"))
    query = request.GET.copy()
    query.pop("before", None)
    first_query = query.urlencode() if data.get("before") else None
    next_query = ""
    if page.next_before:
        query["before"] = str(page.next_before)
        next_query = query.urlencode()
    template = lists.fragment(request, "core/audit_list.html", "core/_audit_rows.html")
    return render(
        request, template, {"form": form, "page": page, "first_query": first_query, "next_query": next_query}
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, secret = services.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"] or None
                )
                form = TokenForm()
            except DomainError as exc:
                form.add_error("name", exc.message)
                status = 422
        else:
            status = 422
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "core/token_list.html", {"form": form, "tokens": tokens, "secret": secret}, status=status
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.api_token_revoke(actor=request.user, token_id=pk)  # not the user's: 404 (DomainErrorMiddleware)
    messages.success(request, "令牌已撤销")
    return redirect("core:token_list")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; this session stays signed in, every other one ends."""
    form = PasswordChangeForm(request.POST or None)
    if request.method != "POST":
        return render(request, "core/password_change.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        try:
            revoked = services.user_change_password(
                actor=request.user, old=data["old"], new=data["new"], revoke_tokens=data["revoke_tokens"]
            )
        except DomainError as exc:
            domain_errors_to_form(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            tokens = f"，已撤销 {revoked} 个 API 令牌" if revoked else ""
            messages.success(request, f"密码已修改，其他设备上的登录已失效{tokens}。")
            return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form}, status=422)


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.export_job_get(user=request.user, job_id=pk)
    running = job.state in (job.State.QUEUED, job.State.RUNNING)
    template = (
        "core/_export_progress.html"
        if request.htmx and not request.htmx.boosted
        else "core/export_detail.html"
    )
    return render(request, template, {"job": job, "running": running})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = exports.export_job_get(user=request.user, job_id=pk)
    if job.state != job.State.DONE or not job.path or not Path(job.path).exists():
        raise Http404("导出文件不存在或已过保留期限被删除")
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d%H%M")
    return FileResponse(
        open(job.path, "rb"), as_attachment=True, filename=f"export-{job.pk}-{stamp}.{job.fmt}"
    )


# ---------------------------------------------------------------- imports (every registered importer)

IMPORT_KEYSET = ("-created_at", "-pk")


def _importer_for(user, kind: str) -> importing.Importer:
    """The importer behind ``/imports/new/<kind>/``: an unknown kind is 404, one the user may not run 403."""
    importer = importing.IMPORTERS.get(kind)
    if importer is None:
        raise Http404("没有这种导入")
    if not user.has_perm(importer.permission):
        raise PermissionDenied
    return importer


@login_required
@require_safe
def import_list(request: HttpRequest) -> HttpResponse:
    """The user's own import jobs of every kind they may run, newest first, a keyset page at a time."""
    importers = importing.importers_for(request.user)
    if not importers:
        raise PermissionDenied
    qs = importing.import_jobs_own(user=request.user)
    try:
        page = lists.keyset_page(qs, IMPORT_KEYSET, after=request.GET.get("after", ""))
    except lists.InvalidCursor:
        page = lists.keyset_page(qs, IMPORT_KEYSET)
    template = lists.fragment(request, "core/import_list.html", "core/_import_rows.html")
    context = {"page": page, "importers": importers, "paged": bool(request.GET.get("after"))}
    return render(request, template, context)


@login_required
def import_new(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file for one importer; it runs as a job (dry run if asked) and the job page follows it."""
    importer = _importer_for(request.user, kind)
    posted = request.method == "POST"  # an empty POST (no file chosen) is still a submission
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)

    def save(data: dict):
        upload = data["file"]
        return importing.import_job_create(
            actor=request.user,
            kind=importer.kind,
            filename=upload.name,
            content=upload.read(),
            dry_run=data["dry_run"],
            check=True,
        )

    return pages.form_page(
        request,
        form,
        template="core/import_new.html",
        save=save,
        success_url=lambda job: reverse("core:import_detail", args=[job.pk]),
        context=lambda: {
            "importer": importer,
            "recent": importing.import_jobs_own(user=request.user).filter(kind=importer.kind)[:5],
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    importer = _importer_for(request.user, kind)
    response = HttpResponse(
        importing.template_workbook(importer),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{importer.kind}-template.xlsx"'
    return response


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page: live progress (reloaded on its ``import.progress`` events), counts and every problem."""
    events_after = events.latest_id()  # before reading the job: no progress event falls in between
    job = importing.import_job_get(user=request.user, job_id=pk)
    template = lists.fragment(request, "core/import_detail.html", "core/_import_progress.html")
    context = {
        "job": job,
        "importer": importing.IMPORTERS.get(job.kind),
        "running": job.running,
        "events_after": events_after,
        "topic": importing.PROGRESS_TOPIC,
    }
    return render(request, template, context)


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The error workbook (original cells, formula-safe, masked without the reveal right): owner only."""
    job = importing.import_job_get(user=request.user, job_id=pk)
    if not job.error_path or not Path(job.error_path).exists():
        raise Http404("错误报告已过保留期限被删除")
    return FileResponse(open(job.error_path, "rb"), as_attachment=True, filename=f"导入错误-{job.pk}.xlsx")


async def events_stream(request: HttpRequest) -> HttpResponse:
    """``/events/``: the signed-in user's live events as Server-Sent Events, replayed from ``Last-Event-ID``
    (header) or ``last_event_id`` (parameter), filtered by ``?topics=`` prefixes. Anything but an
    EventSource (no ``Accept: text/event-stream``) gets a plain 406 instead of a stream that never ends."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("请先登录", status=401, content_type="text/plain; charset=utf-8")
    if "text/event-stream" not in request.headers.get("Accept", ""):
        return HttpResponse(
            "此地址只提供实时事件流（text/event-stream）",
            status=406,
            content_type="text/plain; charset=utf-8",
        )
    topics = events.parse_topics(request.GET.get("topics", ""))
    after = events.parse_cursor(request.headers.get("Last-Event-ID"))
    if after is None:
        after = events.parse_cursor(request.GET.get("last_event_id"))
    if after is None:
        after = await sync_to_async(events.latest_id)()
    if not isinstance(request, ASGIRequest):  # a WSGI server would hold a worker per stream: answer at once
        body = await sync_to_async(events.backlog)(user=user, after=after, topics=topics)
        response = HttpResponse(body, content_type="text/event-stream; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            events.stream(user=user, after=after, topics=topics),
            content_type="text/event-stream; charset=utf-8",
        )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
