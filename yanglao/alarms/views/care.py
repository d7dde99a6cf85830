"""Pages of proactive care (主动关怀): an operator's calls for today with the call button and the outcome form,
the supervisors' progress per operator, the plans, and the community's visit tasks. Thin: selectors read,
services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yanglao.alarms import care_exports
from yanglao.alarms.care_forms import CareOutcomeForm, CarePlanForm, VisitCloseForm
from yanglao.alarms.choices import CallResult, CareCallStatus
from yanglao.alarms.selectors import care as selectors
from yanglao.alarms.services import care as services
from yanglao.core import events, lists, pages
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import DomainError


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return fallback


def _streets(request: HttpRequest) -> list:
    return [r for r in core_selectors.regions_for_choice(user=request.user) if r.level == "township"]


def _calls_context(request: HttpRequest) -> dict:
    """Everything the care-call page shows; also what an outcome refused with 422 shows again."""
    user = request.user
    today = timezone.localdate()
    can_record = user.has_perm("alarms.change_carecall")
    show_progress = user.has_perm("alarms.supervise_alarm") or not can_record
    params = request.GET
    context: dict = {
        "today": today,
        "can_record": can_record,
        "can_reveal": user.has_perm("people.reveal_elder"),
        "show_progress": show_progress,
        "events_after": events.latest_id(),
        "streets": _streets(request),
        "here": request.get_full_path(),
        "outcome_choices": CallResult.choices,
    }
    fs = selectors.care_call_filterset(user=user, params=params, today=today)
    context.update(lists.page_context(request, fs))
    if can_record:
        context["summary"] = selectors.care_summary(user=user, day=today)
        context["recorded"] = selectors.care_calls_recorded(user=user, day=today)
        if fs.form.is_valid() and fs.form.cleaned_data.get("who") == "mine":
            others = QueryDict(mutable=True)
            others.update({"who": "unassigned", "status": "due"})
            unassigned = selectors.care_call_filterset(user=user, params=others, today=today)
            page = lists.page_for(request, unassigned, key="after_u")
            context["unassigned"] = page
            context["unassigned_query"] = lists.query_without(params, "after_u")
    if show_progress:
        context["progress"] = selectors.care_progress(user=user, day=today)
        context["progress_total"] = selectors.care_progress_total(context["progress"])
    return context


@login_required
@permission_required("alarms.view_carecall", raise_exception=True)
def care_calls(request: HttpRequest) -> HttpResponse:
    """今日主动关怀: the operator's calls (hers first, then the region's unassigned) and, for supervisors, each
    operator's progress."""
    if lists.fragment(request, "full", "live") == "live":  # the progress table refreshing itself
        progress = selectors.care_progress(user=request.user)
        return render(
            request,
            "alarms/_care_progress.html",
            {
                "progress": progress,
                "progress_total": selectors.care_progress_total(progress),
                "events_after": events.latest_id(),
            },
        )
    return render(request, "alarms/care_calls.html", _calls_context(request))


@login_required
@require_POST
@permission_required("alarms.change_carecall", raise_exception=True)
def care_call_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The call button: the phone in clear for this operator, audited (htmx swaps it into the row)."""
    try:
        phone = services.care_call_reveal(actor=request.user, call_id=pk)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return render(request, "alarms/_care_phone.html", {"problem": exc.message}, status=422)
    return render(request, "alarms/_care_phone.html", {"phone": phone})


@login_required
@permission_required("alarms.change_carecall", raise_exception=True)
def care_call_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome form of one row; refused input shows the list again with the errors (422)."""
    if request.method != "POST":
        return redirect("alarms:care_calls")
    selectors.care_call_get(user=request.user, call_id=pk)  # 404 before anything else for a foreign row

    def context() -> dict:
        return {**_calls_context(request), "failed_call": pk}

    return pages.form_page(
        request,
        CareOutcomeForm(request.POST),
        template="alarms/care_calls.html",
        context=context,
        form_name="outcome_form",
        save=lambda data: services.care_call_record(
            actor=request.user, call_id=pk, result=data["result"], note=data["note"]
        ),
        success_url=lambda call: _back(request, reverse("alarms:care_calls")),
        message=lambda call: _recorded(request, call),
    )


def _recorded(request: HttpRequest, call) -> str:
    text = f"已记录：{call.elder.name}，{call.get_result_display()}"
    if call.status == CareCallStatus.MISSED:
        task = selectors.open_missed_calls_visit(user=request.user, elder_id=call.elder_id)
        if task is not None:
            text += f"。该老人连续多次未接通，已派发上门探视任务给{task.region.name}"
    return text


@login_required
@permission_required("alarms.view_carecallplan", raise_exception=True)
def care_plans(request: HttpRequest) -> HttpResponse:
    """The plans in force for a district or street, defaults marked; a district admin sets its own."""
    regions = selectors.care_plan_regions(user=request.user)
    codes = {r.code for r in regions}
    code = request.GET.get("region") or (regions[0].code if regions else "")
    if code not in codes:
        raise Http404
    rows = selectors.care_plans_for(user=request.user, region_code=code)
    can_change = request.user.has_perm("alarms.change_carecallplan")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("reset"):
        services.care_plan_reset(actor=request.user, region_code=code, group=request.POST.get("group", ""))
        return redirect(reverse("alarms:care_plans") + f"?region={code}")
    return pages.form_page(
        request,
        CarePlanForm(request.POST or None),
        template="alarms/care_plans.html",
        context=lambda: {
            "rows": rows,
            "regions": regions,
            "region": code,
            "can_change": can_change,
            "max_interval": services.MAX_INTERVAL_DAYS,
        },
        save=lambda data: services.care_plan_set(
            actor=request.user,
            region_code=code,
            group=data["group"],
            interval_days=data["interval_days"],
            active=data["active"],
        ),
        success_url=lambda plan: reverse("alarms:care_plans") + f"?region={code}",
        message=lambda plan: f"已保存：{plan.get_group_display()} 每 {plan.interval_days} 天",
    )


@login_required
@permission_required("alarms.view_visittask", raise_exception=True)
def visit_list(request: HttpRequest) -> HttpResponse:
    """上门探视任务: open ones first, the longest waiting at the top; live when a task opens or closes."""
    fs = selectors.visit_task_filterset(user=request.user, params=request.GET)
    context = {
        **lists.page_context(request, fs),
        "streets": _streets(request),
        "events_after": events.latest_id(),
    }
    template = lists.fragment(request, "alarms/visit_list.html", "alarms/_visit_rows.html")
    return render(request, template, context)


@login_required
@permission_required("alarms.view_visittask", raise_exception=True)
def visit_export(request: HttpRequest) -> HttpResponse:
    return care_exports.VISIT_TASKS.respond(request)


@login_required
@permission_required("alarms.view_visittask", raise_exception=True)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit task: who, why (the missed calls, or the alarm), and while open the close form."""
    task = selectors.visit_task_get(user=request.user, task_id=pk)
    if request.method == "POST" and not request.user.has_perm("alarms.close_visittask"):
        raise PermissionDenied
    return pages.form_page(
        request,
        VisitCloseForm(request.POST or None),
        template="alarms/visit_detail.html",
        context=lambda: {
            "task": task,
            "calls": selectors.visit_task_calls(user=request.user, task=task),
            "can_close": request.user.has_perm("alarms.close_visittask"),
        },
        save=lambda data: services.visit_task_close(
            actor=request.user, task_id=task.pk, result=data["result"]
        ),
        success_url=lambda t: reverse("alarms:visit_detail", args=[t.pk]),
        message=lambda t: f"已完成上门探视：{t.elder.name}",
    )
