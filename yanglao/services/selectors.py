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
from yanglao.services import entitlements, filters, rules
from yanglao.services.models import (
    BasicServiceList,
    BasicServiceListRow,
    Caregiver,
    CheckInRule,
    ServiceItem,
    ServiceOrder,
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
