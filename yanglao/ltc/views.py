"""Pages of the LTC module: thin, each one selector or one service through ``core.pages.form_page``."""

from __future__ import annotations

import tempfile

from django import forms as django_forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import lists, months, pages, workflows
from yanglao.core.choices import Role
from yanglao.ltc import exports, report, selectors, services, statements
from yanglao.ltc.choices import CareSetting, LtcApplicant, LtcSettlementStatus, LtcStatus
from yanglao.ltc.forms import (
    HomePlanForm,
    InstitutionPlanForm,
    IssueDecisionForm,
    LtcApplicationForm,
    SettlementPrepareForm,
)


def _month(value: str | None):
    """``?month=YYYY-MM`` or this month; a bad value is this month (it only chooses what to show)."""
    return months.parse(value) or timezone.localdate().replace(day=1)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


# ---------------------------------------------------------------- applications


@login_required
@permission_required("ltc.view_ltcapplication", raise_exception=True)
def application_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.application_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "ltc/application_list.html", "ltc/_application_rows.html")
    return render(request, template, lists.page_context(request, fs))


@login_required
@permission_required("ltc.view_ltcapplication", raise_exception=True)
def application_export(request: HttpRequest) -> HttpResponse:
    return exports.APPLICATIONS.respond(request)


@login_required
@permission_required("ltc.add_ltcapplication", raise_exception=True)
def application_new(request: HttpRequest, elder: int) -> HttpResponse:
    person = selectors.elder_get(user=request.user, elder_id=elder, action="change")
    providers = selectors.institutions(elder=person) + list(
        {c.provider.pk: c.provider for c in selectors.designated_caregivers(elder=person)}.values()
    )
    form = LtcApplicationForm(
        request.POST or None, providers=providers, initial={"applicant": LtcApplicant.FAMILY}
    )
    return pages.form_page(
        request,
        form,
        template="ltc/application_new.html",
        context={"elder": person},
        save=lambda data: services.ltc_apply(actor=request.user, elder_id=person.pk, **data),
        success_url=lambda app: reverse("ltc:application_detail", args=[app.pk]),
        message="已受理长护险申请，并已申请需求评估",
    )


def _application_context(request: HttpRequest, app, plan_form=None) -> dict:
    plan = selectors.plan_for(user=request.user, application=app)
    month = _month(request.GET.get("month"))
    line, visits = selectors.plan_month(plan=plan, month=month) if plan else (None, [])
    care = selectors.entitlement(app)
    can_plan = request.user.has_perm("ltc.add_careplan") and app.status == LtcStatus.QUALIFIED
    if can_plan and plan_form is None:
        plan_form = _plan_form(app, None, care)
    return {
        "previous_month": months.previous_month(month),
        "next_month": months.next_month(month),
        "this_month": timezone.localdate().replace(day=1),
        "app": app,
        "plan": plan,
        "line": line,
        "visits": visits,
        "month": month,
        "care": care,
        "can_plan": can_plan,
        "plan_form": plan_form,
    }


def _plan_form(app, data, care):
    if app.setting == CareSetting.INSTITUTION:
        return InstitutionPlanForm(data, providers=selectors.institutions(elder=app.elder))
    days = list(range(1, 8))[: care["visits"]] if care else []
    return HomePlanForm(
        data,
        caregivers=selectors.designated_caregivers(elder=app.elder),
        initial={"weekdays": days, "start_time": "09:00"},
    )


@login_required
@permission_required("ltc.view_ltcapplication", raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, application_id=pk)
    return render(request, "ltc/application_detail.html", _application_context(request, app))


@login_required
@require_POST
@permission_required("ltc.add_careplan", raise_exception=True)
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, application_id=pk)
    context = _application_context(request, app)
    form = _plan_form(app, request.POST, context["care"])

    def save(data):
        if app.setting == CareSetting.INSTITUTION:
            return services.plan_create(
                actor=request.user, application_id=app.pk, provider_id=data["provider_id"]
            )
        caregiver = next(
            c for c in selectors.designated_caregivers(elder=app.elder) if c.pk == data["caregiver_id"]
        )
        return services.plan_create(
            actor=request.user,
            application_id=app.pk,
            provider_id=caregiver.provider_id,
            caregiver_id=caregiver.pk,
            weekdays=data["weekdays"],
            start_time=data["start_time"],
            extra_choice=data.get("extra_choice") or "",
        )

    return pages.form_page(
        request,
        form,
        template="ltc/application_detail.html",
        context=lambda: _application_context(request, app, plan_form=form),
        form_name="plan_form",
        save=save,
        success_url=lambda plan: reverse("ltc:application_detail", args=[app.pk]),
        message="已制定照护计划，上门服务工单将按计划生成",
    )


@login_required
@permission_required("ltc.view_ltcapplication", raise_exception=True)
def family(request: HttpRequest) -> HttpResponse:
    """The family's phone: each linked person's claim, plan and this month's visits."""
    if request.user.role != Role.FAMILY:
        raise Http404
    people = selectors.family_people(user=request.user)
    return render(
        request,
        "ltc/family.html",
        {"people": [{"elder": e, "l": selectors.person_ltc(user=request.user, elder=e)} for e in people]},
    )


@login_required
@permission_required("ltc.view_ltcapplication", raise_exception=True)
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.elder_get(user=request.user, elder_id=pk)
    return render(
        request,
        "ltc/_elder_panel.html",
        {
            "elder": person,
            "l": selectors.person_ltc(user=request.user, elder=person),
            "can_apply": request.user.has_perm("ltc.add_ltcapplication"),
        },
    )


# ---------------------------------------------------------------- settlement


def _prepare_form(request: HttpRequest, data=None):
    if not request.user.has_perm("ltc.add_ltcsettlement") or not request.user.organisation_id:
        return None
    previous = months.previous_month(timezone.localdate())
    return SettlementPrepareForm(data, initial={"month": f"{previous:%Y-%m}"})


def _list_context(request: HttpRequest) -> dict:
    return {
        "settlements": selectors.settlements(user=request.user, status=request.GET.get("status", "")),
        "statuses": LtcSettlementStatus.choices,
        "status": request.GET.get("status", ""),
        "can_report": request.user.has_perm("ltc.approve_ltcsettlement"),
        "year": timezone.localdate().year,
    }


@login_required
@permission_required("ltc.view_ltcsettlement", raise_exception=True)
def settlement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ltc/settlement_list.html",
        {**_list_context(request), "prepare_form": _prepare_form(request)},
    )


@login_required
@require_POST
@permission_required("ltc.add_ltcsettlement", raise_exception=True)
def settlement_prepare(request: HttpRequest) -> HttpResponse:
    form = _prepare_form(request, request.POST)
    if form is None:
        raise PermissionDenied
    return pages.form_page(
        request,
        form,
        template="ltc/settlement_list.html",
        context=lambda: _list_context(request),
        form_name="prepare_form",
        save=lambda data: services.settlement_prepare(actor=request.user, month=data["month"]),
        success_url=lambda s: reverse("ltc:settlement_detail", args=[s.pk]),
        message=lambda s: f"已生成{s.month:%Y年%m月}长护险结算单",
    )


def _settlement_context(request: HttpRequest, settlement) -> dict:
    actions = workflows.allowed_actions(request.user, settlement)
    return {
        "s": settlement,
        "can_approve": "approve" in actions,
        "can_decide": request.user.has_perm("ltc.approve_ltcsettlement")
        and settlement.status == LtcSettlementStatus.DRAFT,
        "can_prepare": request.user.has_perm("ltc.add_ltcsettlement")
        and settlement.status == LtcSettlementStatus.DRAFT
        and request.user.organisation_id == settlement.provider_id,
        "lines": selectors.settlement_lines(
            user=request.user, settlement=settlement, after=_int(request.GET.get("after"))
        ),
        "issues": selectors.settlement_issues(user=request.user, settlement=settlement),
        "decision_form": IssueDecisionForm(),
        "action_form": django_forms.Form(),
        "home_share": selectors.share_label(CareSetting.HOME, settlement.region_id),
        "institution_share": selectors.share_label(CareSetting.INSTITUTION, settlement.region_id),
    }


@login_required
@permission_required("ltc.view_ltcsettlement", raise_exception=True)
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
    return render(request, "ltc/settlement_detail.html", _settlement_context(request, settlement))


def _settlement_action(
    request: HttpRequest, pk: int, form, form_name: str, save, message: str
) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
    return pages.form_page(
        request,
        form,
        template="ltc/settlement_detail.html",
        context=lambda: _settlement_context(
            request, selectors.settlement_get(user=request.user, settlement_id=settlement.pk)
        ),
        form_name=form_name,
        save=save,
        success_url=lambda saved: reverse("ltc:settlement_detail", args=[pk]),
        message=message,
    )


@login_required
@require_POST
def settlement_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "approve":
        step = lambda data: services.settlement_approve(actor=request.user, settlement_id=pk)  # noqa: E731
        message = "已审核，该月结算已锁定"
    elif action == "prepare":
        settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
        step = lambda data: services.settlement_prepare(actor=request.user, month=settlement.month)  # noqa: E731
        message = "已按最新服务记录重新生成"
    else:
        raise Http404
    return _settlement_action(request, pk, django_forms.Form(request.POST), "action_form", step, message)


@login_required
@require_POST
def settlement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = IssueDecisionForm(request.POST)
    return _settlement_action(
        request,
        pk,
        form,
        "decision_form",
        lambda data: services.settlement_decide(
            actor=request.user, issue_id=data["issue"], decision=data["decision"], note=data["note"]
        ),
        "已处理",
    )


@login_required
def settlement_statement(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("ltc.export_ltcsettlement"):
        raise PermissionDenied
    settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
    handle = tempfile.TemporaryFile()
    statements.write(actor=request.user, settlement=settlement, handle=handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"ltc-{settlement.provider_id}-{settlement.month:%Y%m}.xlsx"
    )


@login_required
@permission_required("ltc.approve_ltcsettlement", raise_exception=True)
def yearly_report(request: HttpRequest) -> HttpResponse:
    region = _report_region(request)
    year = _int(request.GET.get("year")) or timezone.localdate().year
    figures = selectors.yearly_report(user=request.user, region_code=region.code, year=year)
    if request.GET.get("format") == "xlsx":
        handle = tempfile.TemporaryFile()
        report.write(figures=figures, region_name=region.name, handle=handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=f"ltc-report-{region.code[:6]}-{year}.xlsx")
    kinds = [(report.KIND_LABELS.get(k, k), n) for k, n in sorted(figures["providers_by_kind"].items())]
    return render(request, "ltc/report.html", {"f": figures, "region": region, "year": year, "kinds": kinds})


def _report_region(request: HttpRequest):
    codes = [r.code for r in request.user.regions.all() if r.code[6:] == "000000"]
    if not codes:
        raise Http404
    return services.region_for(codes[0])
