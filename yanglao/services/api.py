"""The services API for native apps and mini programs: catalogue, offerings, orders, dispatch, the caregiver's
visit reports, the family's people, quotes and plans, alerts, complaints and settlements. Thin."""

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from yanglao.core import lists, workflows
from yanglao.core.errors import NotFound
from yanglao.services import errors, filters, selectors, services, visiting
from yanglao.services.schemas import (
    AlertOut,
    CareStopOut,
    CatalogueItemOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintRateIn,
    DispatchIn,
    FamilyPersonOut,
    NoteIn,
    OfferingIn,
    OfferingOut,
    OrderIn,
    OrderOut,
    PhotoOut,
    PlanIn,
    PlanOut,
    QuoteIn,
    QuoteOut,
    RateIn,
    ReasonIn,
    ReviewIn,
    SettlementOut,
    SuggestionOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["居家社区养老服务"])


def _rule_source(row) -> str:
    if row.own:
        return "region"
    return "default" if row.rule.is_default else "inherited"


@router.get("/services/catalogue", response=list[CatalogueItemOut])
def catalogue(request: HttpRequest, region: str):
    """Every active item and the check-in rule in force for a home in ``region`` (a code in your scope)."""
    if not request.user.has_perm("services.view_serviceitem") or not request.user.in_scope(region):
        raise Http404
    return [
        {
            **{
                f: getattr(row.item, f)
                for f in ("code", "name", "service_type", "unit", "standard_minutes", "skill")
            },
            "service_type_label": row.item.get_service_type_display(),
            "rule": None
            if row.rule is None
            else {**{f: getattr(row.rule, f) for f in services.RULE_FIELDS}, "source": _rule_source(row)},
        }
        for row in selectors.catalogue(region_code=region)
    ]


def _offering_out(o) -> dict:
    return {
        "id": o.pk,
        "provider_id": o.provider_id,
        "provider_name": o.provider.name,
        "item_code": o.item.code,
        "item_name": o.item.name,
        "price": o.price,
        "government_purchased": o.government_purchased,
        "contracted_price": o.contracted_price,
        "region_code": o.region_id,
        "area_codes": sorted(a.code for a in o.areas.all()),
        "active": o.active,
    }


OfferingFilterIn = lists.filter_schema(filters.OfferingFilterSet, "OfferingFilterIn")


@router.get("/services/offerings", response=list[OfferingOut])
@paginate(lists.KeysetPagination)
def list_offerings(request: HttpRequest, params: Query[OfferingFilterIn]):  # type: ignore[valid-type]
    fs = selectors.offering_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_offering_out)


@router.post("/services/offerings", response={201: OfferingOut})
def save_offering(request: HttpRequest, payload: OfferingIn):
    """Create or change a provider's offer of an item (one per provider and item)."""
    offering = services.offering_save(actor=request.user, **payload.dict())
    return Status(201, _offering_out(offering))


def _order_out(request: HttpRequest, o) -> dict:
    return {
        "id": o.pk,
        "client_key": o.client_key,
        "elder_id": o.elder_id,
        "elder_name": o.elder.name,
        "region_code": o.region_id,
        "provider_id": o.provider_id,
        "provider_name": o.provider.name,
        "item_code": o.item.code,
        "item_name": o.item.name,
        **{f: getattr(o, f) for f in ("quantity", "scheduled_start", "scheduled_end", "unit_price")},
        "government_yuan": o.government_yuan,
        "self_pay_yuan": o.self_pay_yuan,
        "status": o.status,
        "status_label": o.get_status_display(),
        "actions": workflows.allowed_actions(request.user, o),
    }


OrderFilterIn = lists.filter_schema(filters.OrderFilterSet, "OrderFilterIn")


@router.get("/services/orders", response=list[OrderOut])
@paginate(lists.KeysetPagination)
def list_orders(request: HttpRequest, params: Query[OrderFilterIn]):  # type: ignore[valid-type]
    fs = selectors.order_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=lambda o: _order_out(request, o))


@router.post("/services/orders", response={201: OrderOut})
def place_order(request: HttpRequest, payload: OrderIn):
    """Idempotent: sending the same ``client_key`` again returns the order the first request made."""
    channel = "family" if request.user.role == "family" else "api"  # a family's mini program orders as family
    order = services.order_place(actor=request.user, channel=channel, **payload.dict())
    return Status(201, _order_out(request, order))


@router.post("/services/orders/{order_id}/cancel", response=OrderOut)
def cancel_order(request: HttpRequest, order_id: int, payload: ReasonIn):
    return _order_out(
        request, services.order_cancel(actor=request.user, order_id=order_id, reason=payload.reason)
    )


@router.post("/services/orders/{order_id}/review", response=OrderOut)
def review_order(
    request: HttpRequest, order_id: int, payload: ReviewIn, level: Literal["street", "district"] = "street"
):
    """``level``: street (街道初审) or district (区县审核); refusing cancels the order with the reason."""
    order = services.order_review(
        actor=request.user, order_id=order_id, approve=payload.approve, level=level, reason=payload.reason
    )
    return _order_out(request, order)


@router.get("/services/orders/{order_id}/caregivers", response=list[SuggestionOut])
def suggest_caregivers(request: HttpRequest, order_id: int):
    """The provider's caregivers who hold the item's skill and are free in the slot, nearest first."""
    if not request.user.has_perm("services.dispatch_serviceorder"):
        raise NotFound()
    order = selectors.order_get(user=request.user, order_id=order_id)
    names = selectors.caregiver_names(user=request.user)
    return [
        {"caregiver_id": cid, "name": names.get(cid, ""), "metres": far}
        for cid, far in services.caregiver_suggestions(order=order)
        if cid in names
    ]


@router.post("/services/orders/{order_id}/dispatch", response=OrderOut)
def dispatch_order(request: HttpRequest, order_id: int, payload: DispatchIn):
    order = services.order_dispatch(actor=request.user, order_id=order_id, caregiver_id=payload.caregiver_id)
    return _order_out(request, order)


@router.post("/services/orders/{order_id}/accept", response=OrderOut)
def accept_order(request: HttpRequest, order_id: int):
    return _order_out(request, services.order_accept(actor=request.user, order_id=order_id))


@router.post("/services/orders/{order_id}/decline", response=OrderOut)
def decline_order(request: HttpRequest, order_id: int, payload: ReasonIn):
    return _order_out(
        request, services.order_decline(actor=request.user, order_id=order_id, reason=payload.reason)
    )


def _visit_out(action) -> dict:
    order = action.order
    return {
        "id": action.pk,
        "key": action.key,
        "order_id": action.order_id,
        "kind": action.kind,
        "kind_label": action.get_kind_display(),
        "outcome": action.outcome,
        "outcome_label": action.get_outcome_display(),
        "code": action.code,
        "message": action.message,
        "state": order.status,
        "state_label": order.get_status_display(),
    }


@router.get("/services/care/today", response=list[CareStopOut])
def care_today(request: HttpRequest, day: dt.date | None = None):
    """The signed-in caregiver's jobs of ``day`` (today by default) in route order. Each call is audited:
    it carries the addresses in clear."""
    stops = selectors.caregiver_today(user=request.user, day=day)
    services.care_route_reveal(actor=request.user, order_ids=[s.order.pk for s in stops])
    return [
        {
            "order_id": s.order.pk,
            "position": s.position,
            "scheduled_start": s.order.scheduled_start,
            "scheduled_end": s.order.scheduled_end,
            "item_code": s.order.item.code,
            "item_name": s.order.item.name,
            "elder_name": s.order.elder.name,
            "address": s.order.elder.address,
            "lat": s.order.elder.lat,
            "lng": s.order.elder.lng,
            "status": s.order.status,
            "status_label": s.order.get_status_display(),
            "checklist": list(s.checklist),
            "photos_required": s.photos_required,
            "photos": s.order.photos,
        }
        for s in stops
    ]


@router.post("/services/visits", response=VisitOut)
def report_visit(request: HttpRequest, payload: VisitIn):
    """One report from the caregiver's phone. Idempotent by ``key``: a repeat gets the first answer. A report
    judged by the rules is answered 200 with its outcome (a rule that blocks: ``refused`` with code and
    message); one that cannot be recorded (not your order, wrong state, bad key) is a 422 or 404."""
    action = services.visit_report(actor=request.user, **payload.dict())
    return _visit_out(action)


@router.post("/services/orders/{order_id}/photos", response=PhotoOut)
def add_visit_photo(request: HttpRequest, order_id: int, photo: File[UploadedFile]):
    """One check-out photo (JPEG or PNG, at most 2 MB, at most 3 an order), during the visit."""
    if photo.size is None or photo.size > visiting.PHOTO_BYTES:
        raise errors.PhotoTooLarge(fields={"photo": "过大"})
    order = services.visit_photo_add(actor=request.user, order_id=order_id, content=photo.read())
    return {"order_id": order.pk, "photos": order.photos}


@router.get("/services/family/people", response=list[FamilyPersonOut])
def family_people(request: HttpRequest):
    """The people linked to the signed-in family account, with this month's allowance left."""
    return [
        {
            "id": p.elder.pk,
            "name": p.elder.name,
            "region_code": p.elder.region_id,
            "region_name": p.elder.region.name,
            "hours_left": p.hours_left,
            "yuan_left": p.yuan_left,
        }
        for p in selectors.family_home(user=request.user)
    ]


@router.post("/services/orders/quote", response=QuoteOut)
def quote_order(request: HttpRequest, payload: QuoteIn):
    """The price split (政府补贴 / 个人支付) an order would get now; writes nothing."""
    q = selectors.order_quote(user=request.user, **payload.dict())
    return {
        "elder_id": q.elder.pk,
        "offering_id": q.offering.pk,
        "scheduled_start": q.scheduled_start,
        "quantity": q.quantity,
        "covered_units": q.split.covered_units,
        "government_yuan": str(q.split.government_yuan),
        "self_pay_yuan": str(q.split.self_pay_yuan),
        "hours_left": q.hours_left,
        "yuan_left": q.yuan_left,
    }


@router.post("/services/orders/{order_id}/rate", response=OrderOut)
def rate_order(request: HttpRequest, order_id: int, payload: RateIn):
    return _order_out(request, services.order_rate(actor=request.user, order_id=order_id, **payload.dict()))


@router.post("/services/orders/{order_id}/confirm", response=OrderOut)
def confirm_order(request: HttpRequest, order_id: int):
    """The family confirms online that the visit took place (after check-out)."""
    return _order_out(request, services.order_family_confirm(actor=request.user, order_id=order_id))


def _plan_out(p) -> dict:
    return {
        **{f: getattr(p, f) for f in ("weekdays", "weekdays_label", "start_time", "quantity", "starts_on")},
        **{f: getattr(p, f) for f in ("ends_on", "active", "stop_reason")},
        "id": p.pk,
        "elder_id": p.elder_id,
        "offering_id": p.offering_id,
        "item_name": p.offering.item.name,
    }


@router.get("/services/plans", response=list[PlanOut])
def list_plans(request: HttpRequest):
    return [_plan_out(p) for p in selectors.plan_list(user=request.user)]


@router.post("/services/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, payload: PlanIn):
    plan = services.plan_create(actor=request.user, **payload.dict())
    return 201, _plan_out(selectors.plan_get(user=request.user, plan_id=plan.pk))


@router.post("/services/plans/{plan_id}/stop", response=PlanOut)
def stop_plan(request: HttpRequest, plan_id: int):
    services.plan_stop(actor=request.user, plan_id=plan_id)
    return _plan_out(selectors.plan_get(user=request.user, plan_id=plan_id))


# ---------------------------------------------------------------- quality, complaints and settlement


def _alert_out(a) -> dict:
    return {
        **{f: getattr(a, f) for f in ("kind", "message", "raised_at", "status", "provider_id", "note")},
        "id": a.pk,
        "order_id": a.order_id,
        "kind_label": a.get_kind_display(),
        "region_code": a.region_id,
    }


AlertFilterIn = lists.filter_schema(filters.AlertFilterSet, "AlertFilterIn")


@router.get("/services/alerts", response=list[AlertOut])
@paginate(lists.KeysetPagination)
def list_alerts(request: HttpRequest, params: Query[AlertFilterIn]):  # type: ignore[valid-type]
    """The quality alerts in the user's reach (a provider's own, a street's), newest first."""
    fs = selectors.alert_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_alert_out)


@router.post("/services/alerts/{alert_id}/handle", response=AlertOut)
def handle_alert(request: HttpRequest, alert_id: int, payload: NoteIn):
    return _alert_out(services.alert_handle(actor=request.user, alert_id=alert_id, note=payload.note))


def _complaint_out(c) -> dict:
    fields = ("status", "filed_at", "reply_due", "resolve_due", "reply", "resolution", "resolution_rating")
    return {
        **{f: getattr(c, f) for f in fields},
        "id": c.pk,
        "order_id": c.order_id,
        "status_label": c.get_status_display(),
    }


@router.post("/services/complaints", response={201: ComplaintOut})
def file_complaint(request: HttpRequest, payload: ComplaintIn):
    """A family (about its person's order) or an operator on their behalf; the text stays on the complaint."""
    complaint = services.complaint_file(actor=request.user, order_id=payload.order_id, text=payload.text)
    return Status(201, _complaint_out(complaint))


@router.get("/services/complaints/{complaint_id}", response=ComplaintOut)
def get_complaint(request: HttpRequest, complaint_id: int):
    return _complaint_out(selectors.complaint_get(user=request.user, complaint_id=complaint_id))


@router.post("/services/complaints/{complaint_id}/rate", response=ComplaintOut)
def rate_complaint(request: HttpRequest, complaint_id: int, payload: ComplaintRateIn):
    """The family rates the resolution; a low rating re-opens the complaint with fresh deadlines."""
    complaint = services.complaint_rate(actor=request.user, complaint_id=complaint_id, rating=payload.rating)
    return _complaint_out(complaint)


def _settlement_out(s) -> dict:
    fields = ("month", "status", "orders", "confirmed", "exceptions", "government_yuan", "self_pay_yuan")
    return {
        **{f: getattr(s, f) for f in fields},
        "id": s.pk,
        "provider_id": s.provider_id,
        "provider_name": s.provider.name,
        "status_label": s.get_status_display(),
        "adjustments_yuan": s.adjustments_yuan,
    }


SettlementFilterIn = lists.filter_schema(filters.SettlementFilterSet, "SettlementFilterIn")


@router.get("/services/settlements", response=list[SettlementOut])
@paginate(lists.KeysetPagination)
def list_settlements(request: HttpRequest, params: Query[SettlementFilterIn]):  # type: ignore[valid-type]
    fs = selectors.settlement_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_settlement_out)


@router.get("/services/settlements/{settlement_id}", response=SettlementOut)
def get_settlement(request: HttpRequest, settlement_id: int):
    return _settlement_out(selectors.settlement_get(user=request.user, settlement_id=settlement_id))
