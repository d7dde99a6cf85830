"""Reads of the services module: the catalogue with the rules in force for a region, providers' offerings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people import groups
from yanglao.people import selectors as people_selectors
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import entitlements, filters, rules, visiting
from yanglao.services.choices import OrderStatus
from yanglao.services.models import (
    BasicServiceList,
    BasicServiceListRow,
    Caregiver,
    CheckInRule,
    ServiceItem,
    ServiceOrder,
    VisitAction,
)


def checkin_rule_for(*, item: ServiceItem, region_code: str) -> CheckInRule | None:
    """The rule in force for a home in ``region_code``: the nearest region's own, else the shipped default."""
    by_region = {r.region_id: r for r in CheckInRule.objects.filter(item=item)}
    return rules.most_specific(by_region, region_code)


def as_rule(rule: CheckInRule) -> rules.Rule:
    return rules.Rule(**{f.name: getattr(rule, f.name) for f in rules.Rule.__dataclass_fields__.values()})


@dataclass(frozen=True)
class CatalogueRow:
    item: ServiceItem
    rule: CheckInRule | None  # in force for the region asked about
    own: bool  # the region has its own rule (not inherited, not the default)


def catalogue(*, region_code: str) -> list[CatalogueRow]:
    """Every active item with the rule in force for ``region_code``, in two queries."""
    items = list(ServiceItem.objects.filter(active=True))
    by_item: dict[int, dict[str | None, CheckInRule]] = {}
    for rule in CheckInRule.objects.all():
        by_item.setdefault(rule.item_id, {})[rule.region_id] = rule
    rows = []
    for item in items:
        rule = rules.most_specific(by_item.get(item.pk, {}), region_code)
        rows.append(
            CatalogueRow(item=item, rule=rule, own=rule is not None and rule.region_id == region_code)
        )
    return rows


def basic_lists_in_force(*, region_code: str, today: dt.date | None = None) -> list[BasicServiceList]:
    """The lists in force for a home in ``region_code``: for it and each region above it, the latest list
    whose date has come, nearest region first (a district's list adds to the city's and the nation's)."""
    today = today or timezone.localdate()
    lists_ = (
        BasicServiceList.objects.unscoped(reason="published basic service lists are public policy")
        .filter(region__in=rules.ancestors_and_self(region_code), effective_from__lte=today)
        .select_related("region")
        .prefetch_related("rows__item")
        .order_by("-region", "-effective_from")
    )
    latest: dict[str, BasicServiceList] = {}
    for service_list in lists_:
        latest.setdefault(service_list.region_id, service_list)
    return list(latest.values())


@dataclass(frozen=True)
class Entitlements:
    rows: list[BasicServiceListRow]  # the rows of the lists in force that apply to the person
    monthly_hours: Decimal
    monthly_yuan: Decimal


def entitlements_for(*, elder: Elder, today: dt.date | None = None) -> Entitlements:
    """What the basic service lists in force for the person's community give them this month."""
    today = today or timezone.localdate()
    person_groups = [g.code for g in people_selectors.elder_groups(elder, today)]
    level = groups.ability_current(elder.as_record(), today)
    rows = [
        row
        for service_list in basic_lists_in_force(region_code=elder.region_id, today=today)
        for row in service_list.rows.all()
        if entitlements.applies(
            entitlements.Terms(row.target_groups, row.min_ability_level),
            groups=person_groups,
            ability_level=level,
            active=elder.status == ElderStatus.ACTIVE,
        )
    ]
    hours, yuan = entitlements.monthly_totals((r.monthly_hours, r.monthly_yuan) for r in rows)
    return Entitlements(rows=rows, monthly_hours=hours, monthly_yuan=yuan)


def offering_filterset(*, user: User, params=None) -> filters.OfferingFilterSet:
    return filters.OfferingFilterSet(params, user=user)


def order_filterset(*, user: User, params=None) -> filters.OrderFilterSet:
    return filters.OrderFilterSet(params, user=user)


def order_get(*, user: User, order_id: int) -> ServiceOrder:
    """An order in the user's scope; missing and out of scope are the same NotFound."""
    order = (
        ServiceOrder.objects.for_user(user)
        .select_related("elder", "item", "provider")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def caregiver_names(*, user: User) -> dict[int, str]:
    return dict(Caregiver.objects.for_user(user).values_list("pk", "name"))


def item_get(*, code: str) -> ServiceItem | None:
    return ServiceItem.objects.filter(code=code).first()


# ---------------------------------------------------------------- the caregiver's day (今日工单)

# The states a caregiver's day shows: dispatched (to accept) and everything after, cancelled orders not.
CARE_STATES = (
    OrderStatus.DISPATCHED,
    OrderStatus.ACCEPTED,
    OrderStatus.CHECKED_IN,
    OrderStatus.CHECKED_OUT,
    OrderStatus.CONFIRMED,
    OrderStatus.RATED,
    OrderStatus.ABORTED,
)


@dataclass(frozen=True)
class CareStop:
    """One job of the caregiver's day: the order (with the person and the item), its place in the route,
    what to do there and how many photos check-out needs."""

    order: ServiceOrder
    position: int
    checklist: tuple[str, ...]
    photos_required: int


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def care_orders(*, user: User, caregiver: Caregiver, day: dt.date):
    """The caregiver's orders starting on ``day`` (the ``order_caregiver_day`` index's range)."""
    start, end = _day_bounds(day)
    return (
        ServiceOrder.objects.for_user(user)
        .filter(
            caregiver=caregiver, scheduled_start__gte=start, scheduled_start__lt=end, status__in=CARE_STATES
        )
        .select_related("elder", "item")
    )


def caregiver_get(*, user: User) -> Caregiver | None:
    """The user's own caregiver row, or None for anyone else. (A caregiver may not list the provider's
    caregivers, so this reads only the row that is the user.)"""
    if not user.is_authenticated:
        return None
    return (
        Caregiver.objects.unscoped(reason="the user's own caregiver row")
        .filter(user=user, active=True)
        .first()
    )


def caregiver_today(*, user: User, day: dt.date | None = None) -> list[CareStop]:
    """The caregiver's jobs of ``day`` in route order (by start; within one hour, nearest next), with the
    checklist and the photos each needs. Three queries: the caregiver, the orders, the items' rules."""
    caregiver = caregiver_get(user=user)
    if caregiver is None:
        return []
    orders = list(care_orders(user=user, caregiver=caregiver, day=day or timezone.localdate()))
    if not orders:
        return []
    by_item: dict[int, dict[str | None, CheckInRule]] = {}
    for rule in CheckInRule.objects.filter(item_id__in={o.item_id for o in orders}):
        by_item.setdefault(rule.item_id, {})[rule.region_id] = rule
    origin = (
        (caregiver.lat, caregiver.lng) if caregiver.lat is not None and caregiver.lng is not None else None
    )
    order_ids = visiting.route(
        [visiting.Stop(o.pk, o.scheduled_start, o.elder.lat, o.elder.lng) for o in orders], origin
    )
    by_id = {o.pk: o for o in orders}
    stops = []
    for position, order_id in enumerate(order_ids, start=1):
        order = by_id[order_id]
        rule = rules.most_specific(by_item.get(order.item_id, {}), order.region_id)
        stops.append(
            CareStop(
                order=order,
                position=position,
                checklist=visiting.checklist_for(order.item.code),
                photos_required=rule.photos_required if rule is not None else 0,
            )
        )
    return stops


def care_stop_get(*, user: User, order_id: int) -> CareStop:
    """One of the caregiver's own jobs (any day); another caregiver's order is the same NotFound."""
    caregiver = caregiver_get(user=user)
    order = (
        ServiceOrder.objects.for_user(user).select_related("elder", "item").filter(pk=order_id).first()
        if caregiver is not None
        else None
    )
    if order is None or caregiver is None or order.caregiver_id != caregiver.pk:
        raise NotFound()
    rule = checkin_rule_for(item=order.item, region_code=order.region_id)
    return CareStop(
        order=order,
        position=0,
        checklist=visiting.checklist_for(order.item.code),
        photos_required=rule.photos_required if rule is not None else 0,
    )


def visit_actions(*, user: User, order: ServiceOrder) -> list[VisitAction]:
    """The reports recorded on an order, newest first."""
    return list(VisitAction.objects.for_user(user).filter(order=order).order_by("-received_at", "-pk")[:50])
