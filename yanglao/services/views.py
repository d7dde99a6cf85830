"""Services pages: the catalogue with the check-in rules in force for a region, a district's rule edit, the
providers' offerings list. Thin: selectors and services do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yanglao.core import lists, pages
from yanglao.core import selectors as core_selectors
from yanglao.people import selectors as people_selectors
from yanglao.services import selectors, services
from yanglao.services.choices import ServiceType
from yanglao.services.forms import CheckInRuleForm


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


# ---------------------------------------------------------------- the caregiver's phone (今日工单)


@login_required
@permission_required("services.accept_serviceorder", raise_exception=True)
def care_today(request: HttpRequest) -> HttpResponse:
    """The caregiver's day in route order, with the addresses in clear (each view audited)."""
    stops = selectors.caregiver_today(user=request.user)
    services.care_route_reveal(actor=request.user, order_ids=[s.order.pk for s in stops])
    return render(request, "services/care_today.html", {"stops": stops, "day": timezone.localdate()})


@login_required
@permission_required("services.accept_serviceorder", raise_exception=True)
def care_job(request: HttpRequest, order_id: int) -> HttpResponse:
    """One job: what to do, 签到 / 签退 / 确认; the phone queues its reports while it has no signal."""
    stop = selectors.care_stop_get(user=request.user, order_id=order_id)
    services.care_route_reveal(actor=request.user, order_ids=[order_id])
    return render(
        request,
        "services/care_job.html",
        {
            "stop": stop,
            "order": stop.order,
            "actions": selectors.visit_actions(user=request.user, order=stop.order),
        },
    )
