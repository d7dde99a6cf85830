"""Services pages: the catalogue with the check-in rules in force for a region, a district's rule edit, the
providers' offerings list. Thin: selectors and services do the work."""

from __future__ import annotations

import tempfile

from django import forms as django_forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import lists, pages, workflows
from yanglao.core import selectors as core_selectors
from yanglao.people import selectors as people_selectors
from yanglao.services import selectors, services
from yanglao.services.choices import ServiceType
from yanglao.services.forms import (
    CheckInRuleForm,
    ExceptionDecisionForm,
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


# ---------------------------------------------------------------- settlement

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
