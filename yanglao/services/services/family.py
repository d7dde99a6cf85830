"""Family writes of the services module (journey 3, 家属): a family confirms a visit online and rates it; a
recurring plan (周期服务计划) is created, stopped and turned into the coming days' orders. Ordering itself is
``order_place`` with channel ``family`` (or ``plan``), so every order follows the same rules and price split."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import audit, events
from yanglao.core.choices import Role
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.models import User
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import errors, rules, slots
from yanglao.services.choices import BreachAction, Channel, ConfirmVia, OrderStatus
from yanglao.services.models import Caregiver, ServiceOffering, ServiceOrder, ServicePlan
from yanglao.services.services.alerts import alerts_raise, family_notify
from yanglao.services.services.orders import MAX_DAYS_AHEAD, caregiver_suggestions, order_place

log = logging.getLogger(__name__)

LOW_RATING = 2  # a rating at or below this raises a low_rating alert for the provider and the street


def _order_for_family(actor: User, order_id: int) -> ServiceOrder:
    if not actor.has_perm("services.view_serviceorder"):
        raise PermissionDenied
    order = ServiceOrder.objects.for_user(actor).select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    return order


def _publish(order: ServiceOrder, action: str) -> None:
    events.publish_on_commit(
        "services.order",
        {"id": order.pk, "action": action, "state": order.status},
        region_code=order.region_id,
        organisation_id=order.provider_id,
    )
    family_notify(order=order, action=action)


@transaction.atomic
def order_family_confirm(*, actor: User, order_id: int) -> ServiceOrder:
    """A linked family account confirms online that the visit took place (服务确认, 家属在线确认), after the
    caregiver checked out. Repeating returns the confirmed order."""
    order = _order_for_family(actor, order_id)
    if actor.role != Role.FAMILY:
        raise PermissionDenied
    if order.status in (OrderStatus.CONFIRMED, OrderStatus.RATED):
        return order
    if order.status != OrderStatus.CHECKED_OUT:
        raise errors.InvalidOrder(
            f"工单当前为“{order.get_status_display()}”，护理员签退后才能确认服务",
            code="services.confirm_not_checked_out",
        )
    order.status, order.confirmed_at, order.confirmed_via = (
        OrderStatus.CONFIRMED,
        timezone.now(),
        ConfirmVia.FAMILY,
    )
    order.save(update_fields=["status", "confirmed_at", "confirmed_via"])
    audit.record(actor=actor, action="order.confirm", obj=order, detail={"via": ConfirmVia.FAMILY})
    _publish(order, "confirm")
    return order


@transaction.atomic
def order_rate(*, actor: User, order_id: int, rating: int, comment: str = "") -> ServiceOrder:
    """Rate a confirmed visit once (1–5 stars and a comment; 评价). A rating of 2 or less raises a
    ``low_rating`` alert. Only those who order (family, advisors, the hotline) rate; a provider cannot."""
    if not actor.has_perm("services.add_serviceorder"):
        raise PermissionDenied
    order = _order_for_family(actor, order_id)
    if order.status == OrderStatus.RATED:
        raise errors.InvalidOrder("该工单已评价，每个工单只能评价一次", code="services.already_rated")
    if order.status != OrderStatus.CONFIRMED:
        raise errors.InvalidOrder("服务确认后才能评价", code="services.rate_not_confirmed")
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise errors.InvalidOrder("评分应为 1 到 5 星", fields={"rating": "1–5"}, code="services.bad_rating")
    from yanglao.core import text

    try:
        note = text.clean_line(comment, label="评价", max_length=300, required=False)
    except text.TextError as exc:
        raise errors.InvalidOrder(
            str(exc), fields={"comment": str(exc)}, code="services.bad_comment"
        ) from exc
    order.status, order.rating, order.rating_comment, order.rated_at = (
        OrderStatus.RATED,
        stars,
        note,
        timezone.now(),
    )
    order.save(update_fields=["status", "rating", "rating_comment", "rated_at"])
    audit.record(actor=actor, action="order.rate", obj=order, detail={"rating": stars})
    if stars <= LOW_RATING:
        alerts_raise(
            order=order,
            breaches=[rules.Breach("low_rating", BreachAction.WARN, f"家属评分 {stars} 星：{note}"[:300])],
        )
    _publish(order, "rate")
    return order


# ---------------------------------------------------------------- recurring plans (周期服务计划)


def _weekdays(values: Iterable) -> list[int]:
    try:
        days = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        days = []
    if not days or any(d not in slots.WEEKDAYS for d in days):
        raise errors.InvalidOrder(
            "请选择每周服务日", fields={"weekdays": "必选"}, code="services.plan_weekdays"
        )
    return days


@transaction.atomic
def plan_create(
    *,
    actor: User,
    elder_id: int,
    offering_id: int,
    weekdays: Iterable[int],
    start_time: dt.time,
    quantity: Decimal | int = 1,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    channel: str = Channel.PLAN,
    caregiver_id: int | None = None,
) -> ServicePlan:
    """A recurring plan for a person in the actor's reach: "every Tuesday and Friday at 9:00, 助浴". Its
    orders are placed by ``plan_generate`` for the coming two weeks, in the creator's name. A scheme above
    this module (长护险) gives its own ``channel`` and may name the provider's caregiver who goes."""
    if not actor.has_perm("services.add_serviceplan") or not actor.has_perm("services.add_serviceorder"):
        raise PermissionDenied
    elder = Elder.objects.for_user(actor).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    if elder.status != ElderStatus.ACTIVE:
        raise errors.InvalidOrder(
            "该老人已死亡或迁出，不能制定服务计划", code="services.plan_person_not_active"
        )
    offering = (
        ServiceOffering.objects.unscoped(reason="any provider serving the home")
        .filter(pk=offering_id, active=True, areas__code__in=rules.ancestors_and_self(elder.region_id))
        .first()
    )
    if offering is None:
        raise errors.InvalidOrder(
            "该服务项目不在老人所在社区的服务范围内",
            fields={"offering": "不可选"},
            code="services.plan_offering",
        )
    if not slots.FIRST <= start_time <= slots.LAST_START:
        raise errors.InvalidOrder(
            "开始时间应在 08:00 到 17:30 之间", fields={"start_time": "超出范围"}, code="services.plan_time"
        )
    try:
        units = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        units = Decimal(0)
    if not Decimal(0) < units <= Decimal(24):
        raise errors.InvalidOrder(
            "数量应在 0.1 到 24 之间", fields={"quantity": "超出范围"}, code="services.plan_quantity"
        )
    today = timezone.localdate()
    first = starts_on or today
    if first < today or (ends_on is not None and ends_on < first):
        raise errors.InvalidOrder(
            "开始日期不能早于今天，结束日期不能早于开始日期",
            fields={"starts_on": "日期无效"},
            code="services.plan_dates",
        )
    if channel not in (Channel.PLAN, Channel.LTC):
        raise errors.InvalidOrder("下单方式无效", fields={"channel": "无效"}, code="services.plan_channel")
    if caregiver_id is not None:
        named = (
            Caregiver.objects.unscoped(reason="the offering's own caregivers")
            .filter(pk=caregiver_id, provider_id=offering.provider_id, active=True)
            .first()
        )
        if named is None:
            raise errors.InvalidOrder(
                "指定的护理员不属于该服务机构或不在岗",
                fields={"caregiver": "不可选"},
                code="services.plan_caregiver",
            )
        if offering.item.skill not in named.skills:
            raise errors.InvalidOrder(
                f"指定的护理员没有“{offering.item.name}”所需的资质",
                fields={"caregiver": "资质不符"},
                code="services.plan_caregiver_skill",
            )
    plan = ServicePlan.objects.create(
        elder=elder,
        region_id=elder.region_id,
        offering=offering,
        weekdays=_weekdays(weekdays),
        start_time=start_time,
        quantity=units,
        starts_on=first,
        ends_on=ends_on,
        created_by=actor,
        channel=channel,
        caregiver_id=caregiver_id,
    )
    audit.record(actor=actor, action="plan.create", obj=plan, detail={"weekdays": plan.weekdays})
    return plan


def _stop(plan: ServicePlan, reason: str) -> None:
    plan.active, plan.stop_reason = False, reason[:200]
    plan.save(update_fields=["active", "stop_reason"])


@transaction.atomic
def plan_stop(*, actor: User, plan_id: int, reason: str = "家属停止") -> ServicePlan:
    """Stop a plan; orders already placed stay (each can be cancelled on its own). Repeating is harmless."""
    if not actor.has_perm("services.change_serviceplan"):
        raise PermissionDenied
    plan = ServicePlan.objects.for_user(actor, action="change").select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    if plan.active:
        _stop(plan, reason or "停止")
        audit.record(actor=actor, action="plan.stop", obj=plan, detail={"reason": plan.stop_reason})
    return plan


def _to_planned_caregiver(order_id: int, caregiver_id: int) -> None:
    """Send a plan's order to the caregiver the plan names when they hold the skill and are free in the slot
    (the provider's dispatch rule); otherwise it waits in the provider's queue like any other order."""
    order = (
        ServiceOrder.objects.unscoped(reason="a plan's own new order")
        .select_related("elder", "item")
        .select_for_update()
        .get(pk=order_id)
    )
    if order.status != OrderStatus.APPROVED:
        return
    if caregiver_id not in {cid for cid, _ in caregiver_suggestions(order=order)}:
        log.info("plan order %s: caregiver %s not free, left for dispatch", order_id, caregiver_id)
        return
    order.caregiver_id, order.status = caregiver_id, OrderStatus.DISPATCHED
    order.save(update_fields=["caregiver", "status"])
    events.publish_on_commit(
        "services.order",
        {"id": order.pk, "action": "dispatch", "state": order.status},
        region_code=order.region_id,
    )


def plan_generate(*, now: dt.datetime | None = None, days_ahead: int = 14) -> dict[str, int]:
    """Place the orders of every active plan for the coming ``days_ahead`` days, in each plan creator's name
    and with a key made of the plan and the day, so running it again places nothing twice. A person who died
    or moved away stops the plan with the reason; the allowance is spent as ``order_place`` splits it (covered
    units until it runs out, the rest self-paid), never beyond. One refused day does not stop the others."""
    now = now or timezone.now()
    days_ahead = max(1, min(days_ahead, MAX_DAYS_AHEAD))
    stats = {"plans": 0, "placed": 0, "existing": 0, "stopped": 0, "refused": 0}
    plans = (
        ServicePlan.objects.unscoped(reason="periodic generation of every plan's orders")
        .filter(active=True)
        .select_related("elder", "created_by")
        .order_by("pk")
    )
    for plan in plans:
        stats["plans"] += 1
        if plan.elder.status != ElderStatus.ACTIVE:
            with transaction.atomic():
                _stop(plan, f"老人已{plan.elder.get_status_display()}，计划自动停止")
            stats["stopped"] += 1
            continue
        today = timezone.localtime(now).date()
        for day in slots.plan_days(
            plan.weekdays, starts_on=plan.starts_on, ends_on=plan.ends_on, start=today, days=days_ahead
        ):
            start = timezone.make_aware(dt.datetime.combine(day, plan.start_time))
            if start <= now:
                continue
            key = f"plan-{plan.pk}-{day:%Y%m%d}"
            if ServiceOrder.objects.unscoped(reason="plan idempotency").filter(client_key=key).exists():
                stats["existing"] += 1
                continue
            try:
                with transaction.atomic():
                    order = order_place(
                        actor=plan.created_by,
                        client_key=key,
                        elder_id=plan.elder_id,
                        offering_id=plan.offering_id,
                        scheduled_start=start,
                        quantity=plan.quantity,
                        channel=plan.channel or Channel.PLAN,
                        note=Channel(plan.channel or Channel.PLAN).label,
                    )
                    ServiceOrder.objects.unscoped(reason="link the plan's own order").filter(
                        pk=order.pk
                    ).update(plan=plan)
                    if plan.caregiver_id:
                        _to_planned_caregiver(order.pk, plan.caregiver_id)
            except (DomainError, PermissionDenied) as exc:
                stats["refused"] += 1
                log.info("plan %s day %s refused: %s", plan.pk, day, getattr(exc, "code", type(exc).__name__))
                continue
            stats["placed"] += 1
        if plan.generated_until is None or plan.generated_until < today + dt.timedelta(days=days_ahead - 1):
            ServicePlan.objects.unscoped(reason="record the plan's horizon").filter(pk=plan.pk).update(
                generated_until=today + dt.timedelta(days=days_ahead - 1)
            )
    return stats
