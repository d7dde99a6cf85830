"""Who a basic service list row is for: a person in any of its special groups (none named: everyone) whose
current ability level reaches its minimum. Pure, so the person page, orders and settlement decide alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Terms:
    target_groups: Sequence[str]
    min_ability_level: int | None


def applies(terms: Terms, *, groups: Iterable[str], ability_level: int | None, active: bool) -> bool:
    """A row applies to a living, registered person (death or moving away stops it) who belongs to one of
    its groups and whose level, while valid, is at least its minimum."""
    if not active:
        return False
    if terms.target_groups and not set(terms.target_groups) & set(groups):
        return False
    return terms.min_ability_level is None or (
        ability_level is not None and ability_level >= terms.min_ability_level
    )


def monthly_totals(rows: Iterable[tuple[Decimal | None, Decimal | None]]) -> tuple[Decimal, Decimal]:
    """(hours, yuan) a month over the rows that apply."""
    hours, yuan = Decimal(0), Decimal(0)
    for row_hours, row_yuan in rows:
        hours += row_hours or 0
        yuan += row_yuan or 0
    return hours, yuan
