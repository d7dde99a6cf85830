"""Writes of the services module: the catalogue from its data file, a district's check-in rules, providers'
offerings. Keyword-only, actor first, one transaction each; targets are resolved inside the actor's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from yanglao.core import divisions, events, text, workflows
from yanglao.core import services as core_services
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import catalogue, dispatch, errors, pricing, rules
from yanglao.services.choices import BreachAction, Channel, OrderStatus
from yanglao.services.models import (
    Caregiver,
    CheckInRule,
    MonthlyAllowance,
    ServiceItem,
    ServiceOffering,
    ServiceOrder,
)

RULE_FIELDS = (
    "max_distance_in_m",
    "max_distance_out_m",
    "late_start_minutes",
    "early_leave_minutes",
    "min_service_minutes",
    "photos_required",
    "on_distance",
    "on_late",
    "on_early",
    "on_short",
)
LIMITS = {  # what a rule may say: beyond these a value is a typing slip, not a policy
    "max_distance_in_m": (20, 5000),
    "max_distance_out_m": (20, 5000),
    "late_start_minutes": (0, 240),
    "early_leave_minutes": (0, 240),
    "min_service_minutes": (1, 720),
    "photos_required": (0, 3),
}


@transaction.atomic
def catalogue_load(*, path: Path = catalogue.CATALOGUE) -> dict[str, int]:
    """Bring the shipped items and their default rules up to the data file; a district's own rules stay."""
    created = 0
    rows = catalogue.specs(path)
    for code, fields, rule in rows:
        item, made = ServiceItem.objects.update_or_create(code=code, defaults={**fields, "shipped": True})
        created += made
        CheckInRule.objects.update_or_create(item=item, region=None, defaults=rule)
    return {"items": len(rows), "created": created, "updated": len(rows) - created}


def _clean_rule(changes: dict) -> dict:
    out, problems = {}, {}
    for name in RULE_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name.startswith("on_"):
            if value not in BreachAction.values:
                problems[name] = "取值无效"
            out[name] = value
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            problems[name] = "应为整数"
            continue
        lo, hi = LIMITS[name]
        if not lo <= number <= hi:
            problems[name] = f"应在 {lo} 到 {hi} 之间"
        out[name] = number
    if problems:
        raise errors.InvalidRule("；".join(problems.values()), fields=problems)
    return out


@transaction.atomic
def checkin_rule_set(*, actor: User, item_code: str, region_code: str, **changes) -> CheckInRule:
    """A region's own rules for an item, starting from the rule that applied there until now."""
    if not actor.has_perm("services.change_checkinrule"):
        raise PermissionDenied
    region = core_services.region_require(region_code, field_name="region_code")
    if not actor.in_scope(region.code):
        raise NotFound()
    item = ServiceItem.objects.filter(code=item_code).first()
    if item is None:
        raise NotFound()
    from yanglao.services import selectors

    current = selectors.checkin_rule_for(item=item, region_code=region.code)
    base = {f: getattr(current, f) for f in RULE_FIELDS} if current else {}
    values = {**base, **_clean_rule(changes)}
    missing = [f for f in RULE_FIELDS if f not in values]
    if missing:
        raise errors.InvalidRule(
            "请填写全部规则", fields={f: "必填" for f in missing}, code="services.rule_incomplete"
        )
    rule, _ = CheckInRule.objects.update_or_create(
        item=item, region=region, defaults={**values, "is_default": False, "updated_by": actor}
    )
    return rule


def _money(name: str, value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise errors.InvalidOffering(f"{label}应为金额（元）", fields={name: "应为金额"}) from None
    if amount < 0 or amount >= Decimal("1000000"):
        raise errors.InvalidOffering(f"{label}应在 0 到 999999.99 元之间", fields={name: "超出范围"})
    return amount


@transaction.atomic
def offering_save(
    *,
    actor: User,
    provider_id: int,
    item_code: str,
    price,
    government_purchased: bool = False,
    contracted_price=None,
    area_codes: list[str] = (),
    active: bool = True,
) -> ServiceOffering:
    """Create or change a provider's offer of an item. Service areas may reach beyond the provider's own
    street (it serves where its contract says) but not beyond its district."""
    if not actor.has_perm("services.change_serviceoffering"):
        raise PermissionDenied
    provider = core_services.organisation_for_write(
        actor=actor, organisation_id=provider_id, field_name="provider"
    )
    item = ServiceItem.objects.filter(code=item_code, active=True).first()
    if item is None:
        raise errors.InvalidOffering(
            "服务目录中没有该项目", fields={"item": "未知项目"}, code="services.unknown_item"
        )
    values = {"price": _money("price", price, "价格"), "government_purchased": bool(government_purchased)}
    if government_purchased:
        if contracted_price in (None, ""):
            raise errors.InvalidOffering(
                "政府购买服务须填写合同价",
                fields={"contracted_price": "必填"},
                code="services.contract_price_missing",
            )
        values["contracted_price"] = _money("contracted_price", contracted_price, "合同价")
    else:
        values["contracted_price"] = None
    areas = [core_services.region_require(code, field_name="areas") for code in dict.fromkeys(area_codes)]
    if not areas:
        raise errors.InvalidOffering(
            "请至少选择一个服务区域", fields={"areas": "必填"}, code="services.no_area"
        )
    # Orders reach a provider through its areas, so an area outside its own district would let it take
    # another district's orders without that district's contract.
    outside = [a.name for a in areas if a.code[:6] != provider.region_id[:6]]
    if outside:
        raise errors.InvalidOffering(
            f"服务区域须在本机构所在区（县）内：{'、'.join(outside)}不在其内",
            fields={"areas": "超出本区（县）"},
            code="services.area_outside_district",
        )
    try:
        offering, _ = ServiceOffering.objects.unscoped(reason="upsert by provider and item").update_or_create(
            provider=provider,
            item=item,
            defaults={**values, "region_id": provider.region_id, "active": active},
        )
    except IntegrityError as exc:  # a constraint the checks above should have caught
        raise errors.InvalidOffering("服务项目信息有误") from exc
    offering.areas.set(areas)
    ensure_in_scope(offering, actor, "change")
    return offering


# ---------------------------------------------------------------- orders

MAX_DAYS_AHEAD = 90
# What placing an order and its answer read of the offering, its item and provider (the rest is ORM CPU).
OFFERING_FIELDS = (
    *("pk", "provider_id", "item_id", "price", "contracted_price", "government_purchased", "region_id"),
    *("item__code", "item__name", "item__unit", "item__standard_minutes", "item__skill"),
    *("provider__name", "provider__region_id", "provider__kind"),
)
# What an order and an allowance read of the person (their name for the answer, the fields the group rules
# read): loading every column decrypts the ID number, phone and address for nothing.
ELDER_FIELDS = ("pk", "name", "region_id", *Elder.as_record_fields)
CLOCK_SLACK = dt.timedelta(minutes=5)  # a phone's clock a little behind the server's is not "in the past"


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _new_allowance(elder: Elder, month: dt.date, lists: list | None = None) -> MonthlyAllowance:
    """The person's allowance row for ``month`` (unsaved), from what the lists in force on its first day give
    them; ``lists``: those lists when the caller read them once for a whole community."""
    from yanglao.services import selectors

    grant = selectors.entitlements_for(elder=elder, today=month, lists=lists)
    return MonthlyAllowance(
        elder_id=elder.pk,
        region_id=elder.region_id,
        month=month,
        hours_granted=grant.monthly_hours,
        yuan_granted=grant.monthly_yuan,
    )


def _allowance(elder: Elder, month: dt.date) -> MonthlyAllowance:
    """The month's allowance row, locked; made here when the nightly grant has not made it yet."""
    rows = MonthlyAllowance.objects.unscoped(reason="the order's own person, already checked in scope")
    found = rows.select_for_update().filter(elder=elder, month=month).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            _new_allowance(elder, month).save()
    except IntegrityError:
        pass  # another order created it first: lock theirs
    return rows.select_for_update().get(elder=elder, month=month)


def allowances_grant(*, month: dt.date, region_code: str = "") -> int:
    """Every active person's allowance row for ``month`` whose lists in force give hours or money, made ahead
    by the nightly job so that a month's first order only locks its row instead of working out the person's
    entitlements. Idempotent: a row that exists (an order made it first) is kept. Returns the rows made.
    ``region_code``: only people under that region."""
    from yanglao.services import selectors

    month = _month(month)
    people = Elder.objects.unscoped(reason="the nightly allowance grant covers every community").filter(
        status=ElderStatus.ACTIVE
    )
    if region_code:
        lo, hi = divisions.subtree_range(region_code)
        people = people.filter(region__gte=lo, region__lt=hi)
    have = set(
        MonthlyAllowance.objects.unscoped(reason="the nightly allowance grant")
        .filter(month=month, elder__in=people)
        .values_list("elder_id", flat=True)
    )
    lists_of: dict[str, list] = {}
    made: list[MonthlyAllowance] = []
    for elder in people.only(*ELDER_FIELDS).order_by("pk").iterator(chunk_size=2000):
        if elder.pk in have:
            continue
        if elder.region_id not in lists_of:
            lists_of[elder.region_id] = selectors.basic_lists_in_force(
                region_code=elder.region_id, today=month
            )
        if not lists_of[elder.region_id]:
            continue
        row = _new_allowance(elder, month, lists_of[elder.region_id])
        if row.hours_granted or row.yuan_granted:
            made.append(row)
    MonthlyAllowance.objects.bulk_create(made, batch_size=2000, ignore_conflicts=True)
    return len(made)


@transaction.atomic
def order_place(
    *,
    actor: User,
    client_key: str,
    elder_id: int,
    offering_id: int,
    scheduled_start: dt.datetime,
    quantity: Decimal | int = 1,
    channel: str = Channel.ADVISOR,
    note: str = "",
) -> ServiceOrder:
    """Place an order for a person in the actor's reach, with its price split. Idempotent: the same
    ``client_key`` returns the order it made the first time (a retried request is not a second order)."""
    if not actor.has_perm("services.add_serviceorder"):
        raise PermissionDenied
    key = (client_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise errors.InvalidOrder(
            "缺少有效的客户端幂等键（8–64 个字符）",
            fields={"client_key": "无效"},
            code="services.client_key_invalid",
        )
    repeats = ServiceOrder.objects.unscoped(reason="idempotent repeat").filter(client_key=key)
    earlier = repeats.values_list("pk", "placed_by_id")[:1]  # the common case, no row: the cheapest read
    if earlier:
        if earlier[0][1] != actor.pk:
            raise errors.InvalidOrder(
                "该幂等键已被使用", fields={"client_key": "已被使用"}, code="services.client_key_reused"
            )
        return repeats.get()
    elder = (
        Elder.objects.for_user(actor)
        .select_for_update()
        .filter(pk=elder_id)
        .only(*ELDER_FIELDS, "status")
        .first()
    )
    if elder is None:
        raise NotFound()
    if elder.status != ElderStatus.ACTIVE:
        raise errors.InvalidOrder(
            "该老人已死亡或迁出，不能下单", fields={"elder": "非在册"}, code="services.person_not_active"
        )
    areas = ServiceOffering.areas.through.objects.filter(
        serviceoffering_id=OuterRef("pk"), region_id__in=rules.ancestors_and_self(elder.region_id)
    )
    offering = (
        ServiceOffering.objects.unscoped(reason="a person's order may go to any provider serving the home")
        .select_related("item", "provider")
        .only(*OFFERING_FIELDS)
        .annotate(serves_home=Exists(areas))  # one round trip for the offering and its area check
        .filter(pk=offering_id, active=True, item__active=True)
        .first()
    )
    if offering is None:
        raise NotFound()
    if not offering.serves_home:
        raise errors.InvalidOrder(
            f"{offering.provider.name}的服务区域不含该老人所在社区",
            fields={"offering": "不在服务区域"},
            code="services.outside_area",
        )
    try:
        units = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        units = Decimal(0)
    if not Decimal(0) < units <= Decimal(24) or units != units.quantize(Decimal("0.1")):
        raise errors.InvalidOrder(
            "数量应在 0.1 到 24 之间", fields={"quantity": "超出范围"}, code="services.bad_quantity"
        )
    now = timezone.now()
    if scheduled_start < now - CLOCK_SLACK or scheduled_start > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise errors.InvalidOrder(
            f"预约时间应在现在到 {MAX_DAYS_AHEAD} 天之内",
            fields={"scheduled_start": "时间无效"},
            code="services.bad_slot",
        )
    item = offering.item
    unit_hours = Decimal(1) if item.unit == "hour" else Decimal(item.standard_minutes) / 60
    minutes = int(units * unit_hours * 60) if item.unit == "hour" else int(units * item.standard_minutes)
    allowance = None
    hours_left = yuan_left = Decimal(0)
    if offering.government_purchased:
        allowance = _allowance(elder, _month(timezone.localtime(scheduled_start).date()))
        hours_left, yuan_left = allowance.hours_left, allowance.yuan_left
    share = pricing.split(
        quantity=units,
        price=offering.price,
        contracted_price=offering.contracted_price if offering.government_purchased else None,
        unit_hours=unit_hours,
        hours_left=hours_left,
        yuan_left=yuan_left,
    )
    if allowance is not None and (share.hours_used or share.yuan_used):
        # The row is locked above; the spending is on the order's own audit entry (hours_used, yuan_used,
        # allowance), so the allowance's update goes without a second entry (and its extra read).
        MonthlyAllowance.objects.unscoped(reason="the locked allowance of this order's person").filter(
            pk=allowance.pk
        ).update(hours_used=F("hours_used") + share.hours_used, yuan_used=F("yuan_used") + share.yuan_used)
    order = ServiceOrder.objects.create(
        client_key=key,
        elder=elder,
        region_id=elder.region_id,
        provider=offering.provider,
        offering=offering,
        item=item,
        quantity=units,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_start + dt.timedelta(minutes=max(minutes, 1)),
        unit_price=offering.price,
        contracted_price=offering.contracted_price if offering.government_purchased else None,
        covered_units=share.covered_units,
        government_yuan=share.government_yuan,
        self_pay_yuan=share.self_pay_yuan,
        hours_used=share.hours_used,
        yuan_used=share.yuan_used,
        allowance=allowance if (share.hours_used or share.yuan_used) else None,
        # Government money is reviewed by the street and the district first; self-paid orders go to dispatch.
        status=OrderStatus.REQUESTED if share.government_yuan > 0 else OrderStatus.APPROVED,
        channel=channel if channel in Channel.values else Channel.API,
        placed_by=actor,
        note=_text(note, "备注", 300, "note", required=False),
    )
    events.publish_on_commit(
        "services.order",
        {"id": order.pk, "action": "place", "state": order.status},
        region_code=order.region_id,
    )
    return order


def _release(order: ServiceOrder) -> dict:
    """Give the order's share of the allowance back (a cancelled or refused order spends nothing)."""
    if order.allowance_id and (order.hours_used or order.yuan_used):
        allowance = (
            MonthlyAllowance.objects.unscoped(reason="the order's own allowance")
            .select_for_update()
            .get(pk=order.allowance_id)
        )
        allowance.hours_used -= order.hours_used
        allowance.yuan_used -= order.yuan_used
        allowance.save(update_fields=["hours_used", "yuan_used"])
    return {"hours_used": Decimal(0), "yuan_used": Decimal(0)}


def _text(value: object, label: str, max_length: int, field: str, *, required: bool = True) -> str:
    try:
        return text.clean_line(value, label=label, max_length=max_length, required=required)
    except text.TextError as exc:
        raise errors.InvalidOrder(str(exc), fields={field: str(exc)}, code="services.bad_text") from exc


def _reason(value: str) -> str:
    if not (value or "").strip():
        raise errors.InvalidOrder("请填写原因", fields={"reason": "必填"}, code="services.reason_required")
    return _text(value, "原因", 200, "reason")


def _is_theirs(user: User, order: ServiceOrder) -> bool:
    caregiver = getattr(user, "caregiver", None)
    return caregiver is not None and order.caregiver_id == caregiver.pk


# Only the caregiver the order went to takes or returns it (the row lock makes the first of two answers win).
_mine = workflows.Guard[ServiceOrder](
    _is_theirs, lambda: errors.InvalidOrder("该工单没有派给您", code="services.not_your_order")
)


ORDER_WORKFLOW = workflows.Workflow[ServiceOrder](
    model=ServiceOrder,
    noun="工单",
    states=dict(OrderStatus.choices),
    state_field="status",
    error=errors.InvalidOrder,
    topic="services.order",
    event_scope=lambda o: {"region_code": o.region_id},
    transitions=(
        workflows.Transition(
            "street_review",
            (OrderStatus.REQUESTED,),
            OrderStatus.STREET_APPROVED,
            permission="services.review_serviceorder",
            scope_action="change",
        ),
        workflows.Transition(
            "district_review",
            (OrderStatus.STREET_APPROVED,),
            OrderStatus.APPROVED,
            permission="services.approve_serviceorder",
            scope_action="change",
        ),
        workflows.Transition(
            "reject",
            (OrderStatus.REQUESTED, OrderStatus.STREET_APPROVED),
            OrderStatus.CANCELLED,
            permission="services.review_serviceorder",
            scope_action="change",
        ),
        workflows.Transition(
            "dispatch",
            (OrderStatus.APPROVED,),
            OrderStatus.DISPATCHED,
            permission="services.dispatch_serviceorder",
            scope_action="change",
        ),
        workflows.Transition(
            "accept",
            (OrderStatus.DISPATCHED,),
            OrderStatus.ACCEPTED,
            permission="services.accept_serviceorder",
            scope_action="change",
            who=(_mine,),
            done=lambda user, o: o.status == OrderStatus.ACCEPTED and _is_theirs(user, o),
        ),
        workflows.Transition(
            "decline",
            (OrderStatus.DISPATCHED,),
            OrderStatus.APPROVED,
            permission="services.accept_serviceorder",
            scope_action="change",
            who=(_mine,),
        ),
        workflows.Transition(
            "cancel",
            (
                OrderStatus.REQUESTED,
                OrderStatus.STREET_APPROVED,
                OrderStatus.APPROVED,
                OrderStatus.DISPATCHED,
            ),
            OrderStatus.CANCELLED,
            permission="services.change_serviceorder",
            scope_action="change",
            done=lambda user, o: o.status == OrderStatus.CANCELLED,
        ),
    ),
)


@transaction.atomic
def order_review(*, actor: User, order_id: int, approve: bool, level: str, reason: str = "") -> ServiceOrder:
    """The street's first review, then the district's; refusing (at either) cancels with the reason."""
    if not approve:
        why = _reason(reason)
        return workflows.transition(
            actor=actor,
            workflow=ORDER_WORKFLOW,
            obj_id=order_id,
            action="reject",
            changes=lambda o: {"cancel_reason": f"审核未通过：{why}", **_release(o)},
        )
    return workflows.transition(
        actor=actor,
        workflow=ORDER_WORKFLOW,
        obj_id=order_id,
        action="street_review" if level == "street" else "district_review",
    )


@transaction.atomic
def order_cancel(*, actor: User, order_id: int, reason: str) -> ServiceOrder:
    why = _reason(reason)
    return workflows.transition(
        actor=actor,
        workflow=ORDER_WORKFLOW,
        obj_id=order_id,
        action="cancel",
        changes=lambda o: {"cancel_reason": why, **_release(o)},
    )


def _caregiver_candidates(order: ServiceOrder) -> list[dispatch.Candidate]:
    """The provider's caregivers on duty with the slots of the orders they already hold that day."""
    people = list(
        Caregiver.objects.unscoped(reason="the order's own provider, checked by the caller")
        .filter(provider_id=order.provider_id, active=True)
        .order_by("pk")
    )
    day_start = order.scheduled_start - dt.timedelta(hours=12)
    day_end = order.scheduled_end + dt.timedelta(hours=12)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    held = (
        ServiceOrder.objects.unscoped(reason="the same provider's held slots")
        .filter(
            caregiver__in=people,
            status__in=(OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.CHECKED_IN),
            scheduled_start__lt=day_end,
            scheduled_end__gt=day_start,
        )
        .exclude(pk=order.pk)
        .values_list("caregiver_id", "scheduled_start", "scheduled_end")
    )
    for caregiver_id, start, end in held:
        busy.setdefault(caregiver_id, []).append((start, end))
    return [dispatch.Candidate(c.pk, c.skills, c.lat, c.lng, busy.get(c.pk, [])) for c in people]


def caregiver_suggestions(*, order: ServiceOrder) -> list[tuple[int, float | None]]:
    """Qualified and free caregivers of the order's provider, nearest to the home first."""
    home = (
        (order.elder.lat, order.elder.lng)
        if order.elder.lat is not None and order.elder.lng is not None
        else None
    )
    return dispatch.rank(
        _caregiver_candidates(order),
        skill=order.item.skill,
        start=order.scheduled_start,
        end=order.scheduled_end,
        home=home,
    )


@transaction.atomic
def order_dispatch(*, actor: User, order_id: int, caregiver_id: int) -> ServiceOrder:
    """The provider sends an order to one of its caregivers who holds the skill and is free in the slot."""

    def assign(order: ServiceOrder) -> dict:
        qualified = {cid for cid, _ in caregiver_suggestions(order=order)}
        if caregiver_id not in qualified:
            raise errors.InvalidOrder(
                "该护理员不属于本机构、没有所需资质或该时段已有工单",
                fields={"caregiver": "不可派"},
                code="services.caregiver_unavailable",
            )
        return {"caregiver_id": caregiver_id}

    return workflows.transition(
        actor=actor, workflow=ORDER_WORKFLOW, obj_id=order_id, action="dispatch", changes=assign
    )


@transaction.atomic
def order_accept(*, actor: User, order_id: int) -> ServiceOrder:
    return workflows.transition(actor=actor, workflow=ORDER_WORKFLOW, obj_id=order_id, action="accept")


@transaction.atomic
def order_decline(*, actor: User, order_id: int, reason: str) -> ServiceOrder:
    """The caregiver gives the order back to the provider's queue, saying why."""
    why = _reason(reason)
    return workflows.transition(
        actor=actor,
        workflow=ORDER_WORKFLOW,
        obj_id=order_id,
        action="decline",
        changes=lambda o: {
            "caregiver_id": None,
            "note": _text(f"{o.note} 护理员退回：{why}".strip(), "备注", 300, "note"),
        },
    )
