"""The price split of an order: what the government pays from the person's monthly allowance and what the
person pays. Pure; the service locks the allowance row so two orders cannot both spend its last hour.

Covered units are paid by the government at the contracted price and cost the person nothing; the rest is paid
by the person at the provider's price. An hours allowance is spent in hours (a visit costs its standard
minutes), a money allowance in yuan at the contracted price. Nothing is covered for an item the government does
not buy, or when the allowance is spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Split:
    covered_units: Decimal
    government_yuan: Decimal
    self_pay_yuan: Decimal
    hours_used: Decimal
    yuan_used: Decimal


def split(
    *,
    quantity: Decimal,
    price: Decimal,
    contracted_price: Decimal | None,
    unit_hours: Decimal,
    hours_left: Decimal,
    yuan_left: Decimal,
) -> Split:
    """``unit_hours``: hours one unit takes (1 for an hourly item, the standard minutes / 60 for a visit)."""
    covered = Decimal(0)
    hours_used = yuan_used = Decimal(0)
    if contracted_price is not None and quantity > 0:
        if hours_left > 0 and unit_hours > 0:
            covered = min(quantity, (hours_left / unit_hours).to_integral_value(ROUND_FLOOR))
            hours_used = covered * unit_hours
        elif yuan_left > 0 and contracted_price > 0:
            covered = min(quantity, (yuan_left / contracted_price).to_integral_value(ROUND_FLOOR))
            yuan_used = (covered * contracted_price).quantize(CENT)
    government = (covered * (contracted_price or 0)).quantize(CENT)
    self_pay = ((quantity - covered) * price).quantize(CENT)
    return Split(covered, government, self_pay, hours_used.quantize(Decimal("0.1")), yuan_used)
