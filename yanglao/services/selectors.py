"""Reads of the services module: the catalogue with the rules in force for a region, providers' offerings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people import groups
from yanglao.people import selectors as people_selectors
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import entitlements, filters, rules
from yanglao.services.models import (
    BasicServiceList,
    BasicServiceListRow,
    Caregiver,
    CheckInRule,
    ServiceItem,
    ServiceOrder,
    Settlement,
    SettlementAdjustment,
    SettlementException,
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


# ---------------------------------------------------------------- settlement


def settlement_filterset(*, user: User, params=None) -> filters.SettlementFilterSet:
    return filters.SettlementFilterSet(params, user=user)


def settlement_get(*, user: User, settlement_id: int) -> Settlement:
    """A settlement in the user's scope; missing and out of scope are the same NotFound."""
    found = (
        Settlement.objects.for_user(user)
        .select_related("provider", "region", "provider_region", "submitted_by", "checked_by", "approved_by")
        .filter(pk=settlement_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def settlement_exceptions(*, user: User, settlement: Settlement) -> list[SettlementException]:
    return list(
        SettlementException.objects.for_user(user)
        .filter(settlement=settlement)
        .select_related("order", "order__item", "order__elder", "decided_by")
        .order_by("order__scheduled_start", "pk")
    )


def settlement_adjustments(*, user: User, settlement: Settlement) -> list[SettlementAdjustment]:
    return list(
        SettlementAdjustment.objects.for_user(user)
        .filter(settlement=settlement)
        .select_related("order", "created_by")
        .order_by("pk")
    )


@dataclass(frozen=True)
class StatementLine:
    order_id: int
    start: dt.datetime
    item: str
    quantity: Decimal
    unit_price: Decimal
    government_yuan: Decimal
    self_pay_yuan: Decimal
    person: str  # the person's name as stored; the statement masks it
    decision: str  # the exception's decision value, "" when the order had no alert
    cut_yuan: Decimal


def settlement_lines(*, settlement: Settlement):
    """The counted orders of a settlement the caller already read in the user's scope, in date order, with
    their exception decisions; an iterator in chunks, so a month of any size streams. The orders are read
    unscoped: a street sees the statement of a provider registered in it, orders in other streets included."""
    from django.db.models import OuterRef, Subquery

    from yanglao.services.services.settlement import COUNTED, month_bounds

    start, end = month_bounds(settlement.month)
    decided = SettlementException.objects.unscoped(reason="the lines of a settlement read in scope").filter(
        settlement=settlement, order=OuterRef("pk")
    )
    rows = (
        ServiceOrder.objects.unscoped(reason="the lines of a settlement read in scope")
        .filter(
            provider_id=settlement.provider_id,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
            status__in=COUNTED,
        )
        .filter(
            # A submitted statement's figures were computed at submission: an order confirmed later is not in
            # them (it is paid through an adjustment), so it is not a line of the statement either.
            Q(confirmed_at__isnull=True) | Q(confirmed_at__lte=settlement.submitted_at)
            if settlement.submitted_at
            else Q()
        )
        .annotate(
            decision=Subquery(decided.values("decision")[:1]),
            cut=Subquery(decided.values("cut_yuan")[:1]),
        )
        .order_by("scheduled_start", "pk")
        .values_list(
            "pk",
            "scheduled_start",
            "item__name",
            "quantity",
            "unit_price",
            "government_yuan",
            "self_pay_yuan",
            "elder__name",
            "decision",
            "cut",
        )
    )
    for row in rows.iterator(chunk_size=5000):
        # A subquery's decimal comes back as a float on SQLite: the cut is re-read as cents.
        cut = Decimal(str(row[9] or 0)).quantize(Decimal("0.01"))
        yield StatementLine(*row[:8], decision=row[8] or "", cut_yuan=cut)


def settlement_providers(*, month: dt.date, provider_id: int | None = None) -> list[int]:
    """For the monthly command (system code, no user): the providers with orders in the month or a
    settlement for it, or the one asked for."""
    from yanglao.services.services.settlement import month_bounds

    if provider_id is not None:
        return [provider_id]
    start, end = month_bounds(month)
    with_orders = (
        ServiceOrder.objects.unscoped(reason="monthly settlement command")
        .filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .values_list("provider_id", flat=True)
        .distinct()
    )
    with_settlement = (
        Settlement.objects.unscoped(reason="monthly settlement command")
        .filter(month=month)
        .values_list("provider_id", flat=True)
    )
    return sorted({*with_orders, *with_settlement})


def settlement_for_month(*, provider_id: int, month: dt.date) -> Settlement | None:
    """For the monthly command: the provider's settlement of the month, if any."""
    return (
        Settlement.objects.unscoped(reason="monthly settlement command")
        .select_related("provider")
        .filter(provider_id=provider_id, month=month)
        .first()
    )
