"""Reads of the services module: the catalogue with the rules in force for a region, providers' offerings."""

from __future__ import annotations

from dataclasses import dataclass

from yanglao.core.models import User
from yanglao.services import filters, rules
from yanglao.services.models import CheckInRule, ServiceItem


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


def offering_filterset(*, user: User, params=None) -> filters.OfferingFilterSet:
    return filters.OfferingFilterSet(params, user=user)
