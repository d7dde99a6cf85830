"""Services pages: the catalogue with the check-in rules in force for a region, a district's rule edit, the
providers' offerings list. Thin: selectors and services do the work."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yanglao.core import events, lists, pages, workflows
from yanglao.core import selectors as core_selectors
from yanglao.core.choices import RegionLevel, Role
from yanglao.core.errors import DomainError
from yanglao.core.forms import domain_errors_to_form
from yanglao.people import selectors as people_selectors
from yanglao.services import errors, exports, quality_rules, selectors, services
from yanglao.services.choices import Channel, ServiceType, Skill
from yanglao.services.forms import (
    AlertHandleForm,
    CaregiverForm,
    CaregiverUpdateForm,
    CheckInRuleForm,
    ComplaintForm,
    ComplaintRateForm,
    ComplaintReplyForm,
    ComplaintResolveForm,
    ExceptionDecisionForm,
    FamilyOrderForm,
    FollowUpForm,
    OrderDispatchForm,
    OrderReasonForm,
    PlanForm,
    QualitySettingForm,
    RateForm,
    SettlementPrepareForm,
    SettlementReturnForm,
)


def _region(request: HttpRequest) -> tuple[list, str]:
    """The regions the user may look at (their own and the streets under them) and the one asked about."""
    regions = core_selectors.regions_for_choice(user=request.user)
    codes = {r.code for r in regions}
    asked = request.GET.get("region", "")
    if asked and asked not in codes:
        raise Http404
    own = [r.code for r in request.user.regions.all()] if not request.user.is_superuser else []
    return regions, asked or (own[0] if own else (regions[0].code if regions else ""))


@login_required
@permission_required("services.view_serviceitem", raise_exception=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    regions, code = _region(request)
    rows = selectors.catalogue(region_code=code) if code else []
    by_type = [
        (label, [r for r in rows if r.item.service_type == value]) for value, label in ServiceType.choices
    ]
    return render(
        request,
        "services/catalogue.html",
        {
            "regions": regions,
            "region": code,
            "by_type": [(label, group) for label, group in by_type if group],
            "can_change": request.user.has_perm("services.change_checkinrule"),
        },
    )


@login_required
@permission_required("services.view_basicservicelist", raise_exception=True)
def basic_list(request: HttpRequest) -> HttpResponse:
    regions, code = _region(request)
    return render(
        request,
        "services/basic_list.html",
        {
            "regions": regions,
            "region": code,
            "lists": selectors.basic_lists_in_force(region_code=code) if code else [],
            "can_load": request.user.has_perm("services.add_basicservicelist"),
        },
    )


@login_required
@permission_required("services.view_basicservicelist", raise_exception=True)
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The person page's panel: which rows of the basic service lists in force apply to this person."""
    elder = people_selectors.elder_get(user=request.user, elder_id=pk)
    return render(
        request, "services/_elder_panel.html", {"elder": elder, "e": selectors.entitlements_for(elder=elder)}
    )


@login_required
@permission_required("services.change_checkinrule", raise_exception=True)
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    """A district's own rules for an item, in one place; the form starts from the rule in force."""
    _regions, region = _region(request)
    item = selectors.item_get(code=code)
    if item is None or not region:
        raise Http404
    current = selectors.checkin_rule_for(item=item, region_code=region)
    initial = {f: getattr(current, f) for f in services.RULE_FIELDS} if current else {}
    return pages.form_page(
        request,
        CheckInRuleForm(request.POST or None, initial=initial),
        template="services/rule_form.html",
        context={"item": item, "region": region, "current": current},
        save=lambda data: services.checkin_rule_set(
            actor=request.user, item_code=item.code, region_code=region, **data
        ),
        success_url=lambda rule: reverse("services:catalogue") + f"?region={region}",
        message=f"已保存“{item.name}”的签到规则",
    )


@login_required
@permission_required("services.view_serviceoffering", raise_exception=True)
def offering_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.offering_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/offering_list.html", "services/_offering_rows.html")
    return render(request, template, lists.page_context(request, fs))


@login_required
@permission_required("services.view_serviceorder", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.order_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/order_list.html", "services/_order_rows.html")
    return render(request, template, lists.page_context(request, fs))


def _roster_context(request: HttpRequest) -> dict:
    return {
        "roster": selectors.caregiver_roster(user=request.user),
        "can_add": request.user.has_perm("services.add_caregiver")
        and request.user.organisation_id is not None,
        "skills": Skill.choices,
    }


@login_required
@permission_required("services.view_caregiver", raise_exception=True)
def caregiver_list(request: HttpRequest) -> HttpResponse:
    """护理员名册: who dispatch can send orders to, with their skills; the manager adds and updates them."""
    return pages.form_page(
        request,
        CaregiverForm(request.POST or None),
        template="services/caregiver_list.html",
        context=lambda: _roster_context(request),
        save=lambda d: services.caregiver_create(actor=request.user, **d),
        success_url=lambda saved: reverse("services:caregiver_list"),
        message=lambda saved: f"已添加护理员 {saved.name}，可用登录账号 {saved.user.username} 登录“今日工单”",
    )


@login_required
@require_POST
def caregiver_update(request: HttpRequest) -> HttpResponse:
    selectors.caregiver_in_roster(user=request.user, caregiver_id=request.POST.get("caregiver"))  # else 404
    return pages.form_page(
        request,
        CaregiverUpdateForm(request.POST),
        template="services/caregiver_list.html",
        context=lambda: _roster_context(request),
        form_name="update_form",
        save=lambda d: services.caregiver_update(
            actor=request.user, caregiver_id=d["caregiver"], skills=d["skills"], active=d["active"]
        ),
        success_url=lambda saved: reverse("services:caregiver_list"),
        message=lambda saved: f"已更新护理员 {saved.name}",
    )


# The staff order page's buttons: a workflow action → (label, needs a reason, style).
ORDER_BUTTONS = {
    "street_review": ("街道初审通过", False, "btn-primary"),
    "district_review": ("区县审核通过", False, "btn-primary"),
    "reject": ("审核不通过", True, "btn-outline-danger"),
    "cancel": ("取消工单", True, "btn-outline-danger"),
}


def _order_context(request: HttpRequest, order_id: int) -> dict:
    file = selectors.order_file(user=request.user, order_id=order_id)
    actions = workflows.allowed_actions(request.user, file.order)
    return {
        "file": file,
        "order": file.order,
        "buttons": [(a, *ORDER_BUTTONS[a]) for a in actions if a in ORDER_BUTTONS],
        "can_dispatch": "dispatch" in actions,
    }


@login_required
@permission_required("services.view_serviceorder", raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One order as the street, the district and the provider see it: the split, the state path, the visit as
    reported, its alerts and complaints, and the steps this user may take now (review, dispatch, cancel)."""
    return render(request, "services/order_detail.html", _order_context(request, pk))


ORDER_STEPS = {  # action → (form, write, message)
    "street_review": (
        django_forms.Form,
        lambda actor, pk, data: services.order_review(actor=actor, order_id=pk, approve=True, level="street"),
        "街道初审通过，已转区县审核",
    ),
    "district_review": (
        django_forms.Form,
        lambda actor, pk, data: services.order_review(
            actor=actor, order_id=pk, approve=True, level="district"
        ),
        "区县审核通过，工单进入派单",
    ),
    "reject": (
        OrderReasonForm,
        lambda actor, pk, data: services.order_review(
            actor=actor, order_id=pk, approve=False, level="street", reason=data["reason"]
        ),
        "已审核不通过，额度已退回",
    ),
    "cancel": (
        OrderReasonForm,
        lambda actor, pk, data: services.order_cancel(actor=actor, order_id=pk, reason=data["reason"]),
        "工单已取消",
    ),
    "dispatch": (
        OrderDispatchForm,
        lambda actor, pk, data: services.order_dispatch(
            actor=actor, order_id=pk, caregiver_id=data["caregiver"]
        ),
        "已派单，等待护理员接单",
    ),
}


@login_required
@require_POST
def order_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ORDER_STEPS:
        raise Http404
    form_class, write, message = ORDER_STEPS[action]
    selectors.order_get(user=request.user, order_id=pk)  # out of scope: 404 before anything else
    return pages.form_page(
        request,
        form_class(request.POST),
        template="services/order_detail.html",
        context=lambda: _order_context(request, pk),
        save=lambda data: write(request.user, pk, data),
        success_url=lambda saved: reverse("services:order_detail", args=[pk]),
        message=message,
    )


@login_required
@permission_required("services.accept_serviceorder", raise_exception=True)
def care_today(request: HttpRequest) -> HttpResponse:
    """The caregiver's day in route order, with the addresses in clear (each view audited)."""
    stops = selectors.caregiver_today(user=request.user)
    services.care_route_reveal(actor=request.user, order_ids=[s.order.pk for s in stops])
    return render(request, "services/care_today.html", {"stops": stops, "day": timezone.localdate()})


def _care_job_context(request: HttpRequest, order_id: int) -> dict:
    stop = selectors.care_stop_get(user=request.user, order_id=order_id)
    services.care_route_reveal(actor=request.user, order_ids=[order_id])
    return {
        "stop": stop,
        "order": stop.order,
        "actions": selectors.visit_actions(user=request.user, order=stop.order),
    }


@login_required
@permission_required("services.accept_serviceorder", raise_exception=True)
def care_job(request: HttpRequest, order_id: int) -> HttpResponse:
    """One job: what to do, 签到 / 签退 / 确认; the phone queues its reports while it has no signal."""
    return render(request, "services/care_job.html", _care_job_context(request, order_id))


CARE_ANSWERS = {  # a dispatched order's answer from the caregiver: form, write, message
    "accept": (
        django_forms.Form,
        lambda actor, pk, data: services.order_accept(actor=actor, order_id=pk),
        "已接单",
    ),
    "decline": (
        OrderReasonForm,
        lambda actor, pk, data: services.order_decline(actor=actor, order_id=pk, reason=data["reason"]),
        "已退回，机构将重新派单",
    ),
}


@login_required
@permission_required("services.accept_serviceorder", raise_exception=True)
@require_POST
def care_answer(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """接单 / 退回 need the signal (the provider waits for the answer); the visit's reports do not."""
    if action not in CARE_ANSWERS:
        raise Http404
    form_class, write, message = CARE_ANSWERS[action]
    selectors.care_stop_get(user=request.user, order_id=order_id)  # not hers: 404 first
    return pages.form_page(
        request,
        form_class(request.POST),
        template="services/care_job.html",
        context=lambda: _care_job_context(request, order_id),
        save=lambda data: write(request.user, order_id, data),
        success_url=lambda saved: reverse(
            "services:care_job" if action == "accept" else "services:care_today",
            **({"args": [order_id]} if action == "accept" else {}),
        ),
        message=message,
    )


SETTLEMENT_BUTTONS = {  # the workflow's actions as the detail page offers them
    "submit": "提交审核",
    "check": "街道审核通过",
    "approve": "批准并锁定",
}


def _prepare_form(request: HttpRequest, data=None) -> SettlementPrepareForm | None:
    """The provider manager's "生成本月结算单": only for provider users who may make settlements."""
    if not (request.user.has_perm("services.add_settlement") and request.user.organisation_id):
        return None
    return SettlementPrepareForm(data, initial={"month": f"{timezone.localdate():%Y-%m}"})


@login_required
@permission_required("services.view_settlement", raise_exception=True)
def settlement_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.settlement_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/settlement_list.html", "services/_settlement_rows.html")
    return render(
        request, template, {**lists.page_context(request, fs), "prepare_form": _prepare_form(request)}
    )


@login_required
@require_POST
@permission_required("services.add_settlement", raise_exception=True)
def settlement_prepare(request: HttpRequest) -> HttpResponse:
    fs = selectors.settlement_filterset(user=request.user, params={})
    return pages.form_page(
        request,
        _prepare_form(request, request.POST) or SettlementPrepareForm(request.POST),
        template="services/settlement_list.html",
        context=lambda: lists.page_context(request, fs),
        form_name="prepare_form",
        save=lambda data: services.settlement_prepare(
            actor=request.user, provider_id=request.user.organisation_id, month=data["month"]
        ),
        success_url=lambda s: reverse("services:settlement_detail", args=[s.pk]),
        message=lambda s: f"已生成{s.month:%Y年%m月}结算单",
    )


def _settlement_context(request: HttpRequest, settlement) -> dict:
    actions = workflows.allowed_actions(request.user, settlement)
    return {
        "s": settlement,
        "buttons": [(a, SETTLEMENT_BUTTONS[a]) for a in actions if a in SETTLEMENT_BUTTONS],
        "can_return": any(a.startswith("return_") for a in actions),
        "can_decide": request.user.has_perm("services.decide_settlement") and settlement.status == "draft",
        "exceptions": selectors.settlement_exceptions(user=request.user, settlement=settlement),
        "adjustments": selectors.settlement_adjustments(user=request.user, settlement=settlement),
        "action_form": django_forms.Form(),
        "decision_form": ExceptionDecisionForm(),
        "return_form": SettlementReturnForm(),
    }


@login_required
@permission_required("services.view_settlement", raise_exception=True)
def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
    return render(request, "services/settlement_detail.html", _settlement_context(request, settlement))


def _settlement_action(
    request: HttpRequest, pk: int, form, form_name: str, save, message: str
) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, settlement_id=pk)
    return pages.form_page(
        request,
        form,
        template="services/settlement_detail.html",
        context=lambda: _settlement_context(
            request, selectors.settlement_get(user=request.user, settlement_id=settlement.pk)
        ),
        form_name=form_name,
        save=save,
        success_url=lambda saved: reverse("services:settlement_detail", args=[pk]),
        message=message,
    )


SETTLEMENT_STEPS = {
    "submit": (services.settlement_submit, "已提交，等待街道审核"),
    "check": (services.settlement_check, "街道审核通过，等待区（县）批准"),
    "approve": (services.settlement_approve, "已批准，该月结算已锁定"),
}


@login_required
@require_POST
def settlement_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in SETTLEMENT_STEPS:
        raise Http404
    step, message = SETTLEMENT_STEPS[action]
    return _settlement_action(
        request,
        pk,
        django_forms.Form(request.POST),
        "action_form",
        lambda data: step(actor=request.user, settlement_id=pk),
        message,
    )


@login_required
@require_POST
def settlement_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _settlement_action(
        request,
        pk,
        SettlementReturnForm(request.POST),
        "return_form",
        lambda data: services.settlement_return(actor=request.user, settlement_id=pk, reason=data["reason"]),
        "已退回机构修改",
    )


@login_required
@require_POST
def settlement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _settlement_action(
        request,
        pk,
        ExceptionDecisionForm(request.POST),
        "decision_form",
        lambda data: services.settlement_decide_exception(
            actor=request.user,
            exception_id=data["exception"],
            decision=data["decision"],
            cut_yuan=data["cut_yuan"],
            note=data["note"],
        ),
        "已处理异常工单，合计已更新",
    )


@login_required
@permission_required("services.view_settlement", raise_exception=True)
def settlement_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement as .xlsx, written in constant memory to a temporary file and streamed from it."""
    handle = tempfile.TemporaryFile()
    settlement = services.settlement_statement_write(actor=request.user, settlement_id=pk, handle=handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"settlement-{settlement.provider_id}-{settlement.month:%Y%m}.xlsx",
    )


@login_required
@permission_required("services.change_qualitysetting", raise_exception=True)
def quality_settings(request: HttpRequest) -> HttpResponse:
    """A district's (or street's) own monitor thresholds and complaint deadlines, in one place."""
    _regions, region = _region(request)
    if not region:
        raise Http404
    current = selectors.quality_setting_for(region_code=region)
    initial = {f: getattr(current, f) for f in quality_rules.FIELDS}
    return pages.form_page(
        request,
        QualitySettingForm(request.POST or None, initial=initial),
        template="services/quality_settings.html",
        context={"region": region, "current": current, "regions": _regions},
        save=lambda data: services.quality_setting_set(actor=request.user, region_code=region, **data),
        success_url=lambda setting: reverse("services:quality_settings") + f"?region={region}",
        message="已保存服务质量监控设置",
    )


def _live(request: HttpRequest, full: str, fragment: str, context: dict) -> HttpResponse:
    """A live page: the whole page, or (htmx, after a ``services.alert`` event) its live part alone."""
    return render(request, lists.fragment(request, full, fragment), context)


@login_required
@permission_required("services.view_servicealert", raise_exception=True)
def monitor(request: HttpRequest) -> HttpResponse:
    """The provider's monitor (服务监控): today's orders by state and the open alerts, live."""
    events_after = events.latest_id()  # before the reads: no alert falls in between
    return _live(
        request,
        "services/monitor.html",
        "services/_monitor_live.html",
        {
            "m": selectors.monitor(user=request.user),
            "events_after": events_after,
            "can_handle": request.user.has_perm("services.handle_servicealert"),
        },
    )


@login_required
@permission_required("services.view_servicealert", raise_exception=True)
def supervision(request: HttpRequest) -> HttpResponse:
    """The government's page (服务质量监管): per street, today's figures and the open alerts, live."""
    events_after = events.latest_id()
    today = timezone.localdate()
    region = core_selectors.user_scope_label(request.user)
    return _live(
        request,
        "services/supervision.html",
        "services/_supervision_live.html",
        {
            "s": selectors.supervision(user=request.user, today=today),
            "events_after": events_after,
            "scope_label": region,
            "can_set": request.user.has_perm("services.change_qualitysetting"),
        },
    )


def _choices(request: HttpRequest) -> dict:
    """The street and provider selects of the alert and complaint lists."""
    streets = [
        r for r in core_selectors.regions_for_choice(user=request.user) if r.level == RegionLevel.TOWNSHIP
    ]
    providers = (
        list(core_selectors.organisation_list(user=request.user))
        if request.user.has_perm("core.view_organisation")
        else []
    )
    return {"streets": streets, "providers": providers}


@login_required
@permission_required("services.view_servicealert", raise_exception=True)
def alert_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.alert_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/alert_list.html", "services/_alert_rows.html")
    return render(request, template, {**lists.page_context(request, fs), **_choices(request)})


@login_required
@permission_required("services.view_servicealert", raise_exception=True)
def alert_export(request: HttpRequest) -> HttpResponse:
    return exports.ALERTS.respond(request)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return fallback


@login_required
@permission_required("services.view_servicealert", raise_exception=True)
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An alert and, while open, its handle form (the monitor's inline forms post here too)."""
    alert = selectors.alert_get(user=request.user, alert_id=pk)
    if request.method == "POST" and not request.user.has_perm("services.handle_servicealert"):
        raise PermissionDenied
    return pages.form_page(
        request,
        AlertHandleForm(request.POST or None),
        template="services/alert_detail.html",
        context=lambda: {"alert": alert, "next": _back(request, "")},
        save=lambda data: services.alert_handle(actor=request.user, alert_id=alert.pk, note=data["note"]),
        success_url=lambda a: _back(request, reverse("services:alert_detail", args=[a.pk])),
        message=lambda a: f"已处理：{a.get_kind_display()}（工单 {a.order_id}）",
    )


@login_required
@permission_required("services.add_followupcall", raise_exception=True)
def follow_ups(request: HttpRequest) -> HttpResponse:
    """待回访: the sample of finished orders not yet reached by a call."""
    fs = selectors.follow_up_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/follow_ups.html", "services/_follow_up_rows.html")
    return render(request, template, {**lists.page_context(request, fs), **_choices(request)})


@login_required
@permission_required("services.add_followupcall", raise_exception=True)
def follow_up_new(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, order_id=order_id)
    return pages.form_page(
        request,
        FollowUpForm(request.POST or None),
        template="services/follow_up_form.html",
        context={"order": order},
        save=lambda data: services.follow_up_record(actor=request.user, order_id=order.pk, **data),
        success_url=lambda call: reverse("services:follow_ups"),
        message=lambda call: f"已记录工单 {call.order_id} 的回访",
    )


@login_required
@permission_required("services.view_complaint", raise_exception=True)
def complaint_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.complaint_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "services/complaint_list.html", "services/_complaint_rows.html")
    return render(request, template, {**lists.page_context(request, fs), **_choices(request)})


@login_required
@permission_required("services.view_complaint", raise_exception=True)
def complaint_export(request: HttpRequest) -> HttpResponse:
    return exports.COMPLAINTS.respond(request)


@login_required
@permission_required("services.add_complaint", raise_exception=True)
def complaint_new(request: HttpRequest) -> HttpResponse:
    """A family (or an advisor for them) complains about one order, on a phone."""
    raw = request.GET.get("order", "")
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    order = selectors.order_get(user=request.user, order_id=int(raw))
    return pages.form_page(
        request,
        ComplaintForm(request.POST or None),
        template="services/complaint_new.html",
        context={"order": order},
        save=lambda data: services.complaint_file(actor=request.user, order_id=order.pk, text=data["text"]),
        success_url=lambda c: reverse("services:complaint_detail", args=[c.pk]),
        message="投诉已提交，服务机构将在答复期限内答复",
    )


COMPLAINT_ACTIONS = {
    "reply": (ComplaintReplyForm, "已答复投诉"),
    "resolve": (ComplaintResolveForm, "已办结投诉"),
    "rate": (ComplaintRateForm, "感谢您的评价"),
}


@login_required
@permission_required("services.view_complaint", raise_exception=True)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A complaint with its reply and resolution; the forms of the steps the user may take now."""
    complaint = selectors.complaint_get(user=request.user, complaint_id=pk)
    allowed = workflows.allowed_actions(request.user, complaint)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in COMPLAINT_ACTIONS:
        return redirect("services:complaint_detail", pk=pk)
    forms_ = {name: form() for name, (form, _m) in COMPLAINT_ACTIONS.items() if name in allowed}
    if not action:
        return render(
            request, "services/complaint_detail.html", {"c": complaint, "forms": forms_, "allowed": allowed}
        )
    form_class, message = COMPLAINT_ACTIONS[action]
    form = form_class(request.POST)
    forms_[action] = form
    writes = {
        "reply": lambda d: services.complaint_reply(actor=request.user, complaint_id=pk, reply=d["reply"]),
        "resolve": lambda d: services.complaint_resolve(
            actor=request.user, complaint_id=pk, resolution=d["resolution"]
        ),
        "rate": lambda d: services.complaint_rate(actor=request.user, complaint_id=pk, rating=d["rating"]),
    }
    return pages.form_page(
        request,
        form,
        template="services/complaint_detail.html",
        context={"c": complaint, "forms": forms_, "allowed": allowed},
        save=writes[action],
        success_url=lambda c: reverse("services:complaint_detail", args=[c.pk]),
        message=message,
        form_name="action_form",
    )


def _complaint_url(order_id: int) -> str:
    try:
        return reverse("services:complaint_new") + f"?order={order_id}"
    except NoReverseMatch:  # the complaints page is built on another branch
        return f"/services/complaints/new/?order={order_id}"


@login_required
@permission_required("services.view_serviceorder", raise_exception=True)
def family_home(request: HttpRequest) -> HttpResponse:
    """我的家人: each linked person with this month's allowance left, next and recent visits, plans."""
    return render(request, "services/family_home.html", {"people": selectors.family_home(user=request.user)})


@login_required
@permission_required("services.view_serviceorder", raise_exception=True)
def family_panel(request: HttpRequest) -> HttpResponse:
    """The same, as the home page's panel for a family account (where it lands after signing in)."""
    return render(
        request, "services/_family_people.html", {"people": selectors.family_home(user=request.user)}
    )


def _pick(value: str | None, default: int | None) -> int | None:
    return int(value) if value and value.isdigit() else default


@login_required
@permission_required("services.add_serviceorder", raise_exception=True)
def family_order_new(request: HttpRequest) -> HttpResponse:
    """预约服务: choose, see the split (政府补贴 / 个人支付) before confirming, then place it once."""
    people = list(selectors.family_people(user=request.user))
    return _order_new(
        request, people, Channel.FAMILY, lambda order: reverse("services:family_order", args=[order.pk])
    )


@login_required
@permission_required("services.add_serviceorder", raise_exception=True)
def elder_order_new(request: HttpRequest, pk: int) -> HttpResponse:
    """代为预约: an advisor, a hotline operator or the street orders for a person in their scope, with the same
    form, slots and split the family sees; the order records who placed it and through which channel."""
    elder = people_selectors.elder_get(user=request.user, elder_id=pk)
    channel = Channel.HOTLINE if request.user.role == Role.OPERATOR else Channel.ADVISOR
    return _order_new(
        request, [elder], channel, lambda order: reverse("services:order_detail", args=[order.pk])
    )


def _order_new(request: HttpRequest, people: list, channel: str, done) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    elder_id = _pick(data.get("elder"), people[0].pk if people else None)
    day = parse_date(data.get("day") or "") or timezone.localdate() + dt.timedelta(days=1)
    offerings = selectors.offerings_for_home(user=request.user, elder_id=elder_id) if elder_id else []
    initial = {"elder": elder_id, "day": day, "client_key": uuid.uuid4().hex, "quantity": 1}
    form = FamilyOrderForm(request.POST or None, initial=initial, people=people, offerings=offerings)
    context = {
        "form": form,
        "people": people,
        "elder_id": elder_id,
        "day": day,
        "slots": selectors.free_slots(user=request.user, elder_id=elder_id, day=day) if elder_id else [],
        "quote": None,
        "on_behalf": channel != Channel.FAMILY,
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        start = _slot_start(d["day"], d["slot"])
        try:
            if start is None:
                raise errors.InvalidOrder("请选择时段", fields={"slot": "必选"}, code="services.slot_missing")
            if request.POST.get("action") == "confirm":
                order = services.order_place(
                    actor=request.user,
                    client_key=d["client_key"],
                    elder_id=d["elder"],
                    offering_id=d["offering"],
                    scheduled_start=start,
                    quantity=d["quantity"],
                    channel=channel,
                )
                messages.success(request, "已提交预约")
                return redirect(done(order))
            context["quote"] = selectors.order_quote(
                user=request.user,
                elder_id=d["elder"],
                offering_id=d["offering"],
                scheduled_start=start,
                quantity=d["quantity"],
            )
            context["slot"] = d["slot"]
        except DomainError as exc:
            domain_errors_to_form(form, exc)
            status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "services/family_order_new.html", context, status=status)


def _slot_start(day: dt.date, slot: str) -> dt.datetime | None:
    try:
        at = dt.time.fromisoformat(slot)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(dt.datetime.combine(day, at))


@login_required
@permission_required("services.view_serviceorder", raise_exception=True)
def family_order(request: HttpRequest, pk: int) -> HttpResponse:
    """An order on the family's phone: the path, live visit news, the confirm code, confirm, cancel, rate."""
    order = selectors.order_get(user=request.user, order_id=pk)
    context = {
        "order": order,
        "timeline": selectors.order_timeline(order),
        "complaint_url": _complaint_url(order.pk),
        "events_after": events.latest_id(),
        "rate_form": RateForm(),
    }
    name = "services/_family_order_state.html" if request.htmx else "services/family_order.html"
    return render(request, name, context)


@login_required
@require_POST
@permission_required("services.view_serviceorder", raise_exception=True)
def family_order_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """确认服务, 取消, 评价: one service each; a refusal comes back as a message on the page."""
    try:
        if action == "confirm":
            services.order_family_confirm(actor=request.user, order_id=pk)
        elif action == "cancel":
            services.order_cancel(actor=request.user, order_id=pk, reason=request.POST.get("reason", ""))
        elif action == "rate":
            services.order_rate(
                actor=request.user,
                order_id=pk,
                rating=_pick(request.POST.get("rating"), 0) or 0,
                comment=request.POST.get("comment", ""),
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("services:family_order", pk=pk)


@login_required
@permission_required("services.view_serviceplan", raise_exception=True)
def family_plans(request: HttpRequest) -> HttpResponse:
    """周期服务计划: the family's plans and a form for a new one ("每周二、周五 9:00 助浴")."""
    people = list(selectors.family_people(user=request.user))
    elder_id = _pick((request.POST or request.GET).get("elder"), people[0].pk if people else None)
    offerings = selectors.offerings_for_home(user=request.user, elder_id=elder_id) if elder_id else []
    return pages.form_page(
        request,
        PlanForm(request.POST or None, initial={"elder": elder_id}, people=people, offerings=offerings),
        template="services/family_plans.html",
        context=lambda: {"plans": selectors.plan_list(user=request.user), "elder_id": elder_id},
        save=lambda d: services.plan_create(
            actor=request.user,
            elder_id=d["elder"],
            offering_id=d["offering"],
            weekdays=d["weekdays"],
            start_time=d["start_time"],
            quantity=d["quantity"],
        ),
        success_url=lambda plan: reverse("services:family_plans"),
        message="已创建周期服务计划，未来两周的预约将自动生成",
    )


@login_required
@require_POST
@permission_required("services.change_serviceplan", raise_exception=True)
def family_plan_stop(request: HttpRequest, pk: int) -> HttpResponse:
    services.plan_stop(actor=request.user, plan_id=pk, reason="家属停止")
    messages.success(request, "已停止该周期服务计划")
    return redirect("services:family_plans")
