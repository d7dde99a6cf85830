"""A month of long-term care worked out per designated provider: each care plan's planned, delivered, missed
and short visits, the hours or days it is paid for, and the fund's and the person's shares.

The visits are the services module's orders of the plan's services plan, counted only when verified (checked
in, checked out, confirmed: ``confirmed`` or ``rated``). One aggregate query over the month's orders of
every plan, grouped by plan, plus one read of the short visits, whatever the number of orders
(bench/ltc.py: 100,000 plans and 2,000,000 visits). Nothing here checks rights: ``services`` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Least
from django.utils import timezone

from yanglao.core import divisions
from yanglao.core.months import month_end
from yanglao.facilities.choices import RESIDENTIAL_KINDS
from yanglao.facilities.models import BedStay
from yanglao.ltc import scheme
from yanglao.ltc.choices import CareSetting, ExtraChoice, IssueDecision, PlanStatus
from yanglao.ltc.models import CarePlan, LtcScheme
from yanglao.services.choices import Channel, OrderStatus
from yanglao.services.models import ServiceOrder
from yanglao.services.services.settlement import month_bounds

REASON = "the month's long-term-care settlement"
COUNTED = (OrderStatus.CONFIRMED, OrderStatus.RATED)
ZERO = Decimal("0.00")
PLAN_COLUMNS = (
    "pk",
    "elder_id",
    "region_id",
    "provider_id",
    "setting",
    "care_level",
    "visits_per_week",
    "minutes_per_visit",
    "weekdays",
    "extra_choice",
    "hourly_yuan",
    "daily_yuan",
    "starts_on",
    "ends_on",
    "service_plan_id",
    "status",
)


class SchemeBook:
    """The scheme in force for a region on a day: the nearest region above with a version by then."""

    def __init__(self) -> None:
        self.rows = list(
            LtcScheme.objects.unscoped(reason="schemes are public rules").order_by("effective_from")
        )
        self._cache: dict[tuple[str, dt.date], dict] = {}

    def params(self, region_code: str, day: dt.date) -> dict:
        key = (region_code[:6], day)
        if key not in self._cache:
            chain = divisions.ancestors_and_self(region_code[:6].ljust(12, "0"))
            found = None
            for code in chain:
                versions = [r for r in self.rows if r.region_id == code and r.effective_from <= day]
                if versions:
                    found = versions[-1].params
                    break
            self._cache[key] = scheme.clean(found)
        return self._cache[key]


@dataclass
class Line:
    plan: int
    elder: int
    region: str
    provider: int
    setting: str
    level: int
    planned: int = 0
    delivered: int = 0
    missed: int = 0
    short: int = 0
    minutes: int = 0
    days: int = 0
    total: Decimal = ZERO
    fund: Decimal = ZERO
    personal: Decimal = ZERO
    held: Decimal = ZERO
    cash: Decimal = ZERO


@dataclass
class Month:
    month: dt.date
    lines: dict[int, list[Line]] = field(default_factory=lambda: defaultdict(list))  # provider → lines
    issues: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))  # provider → issues


def compute(
    *,
    month: dt.date,
    provider_ids: list[int] | None = None,
    decisions: dict[int, str] | None = None,
    plan_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> Month:
    """Every plan running in ``month`` (of the given providers), worked out. ``decisions``: order id → the
    district's decision on a short visit already taken (照付, 按实际时长, 拒付)."""
    decisions = decisions or {}
    today = today or timezone.localdate()
    last = month_end(month)
    start, end = month_bounds(month)
    out = Month(month=month)
    book = SchemeBook()
    plans = CarePlan.objects.unscoped(reason=REASON).filter(starts_on__lte=last, ends_on__gte=month)
    plans = plans.filter(Q(status=PlanStatus.ACTIVE) | Q(status=PlanStatus.ENDED, ends_on__gte=month))
    if provider_ids is not None:
        plans = plans.filter(provider_id__in=provider_ids)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    rows = list(plans.values_list(*PLAN_COLUMNS))
    if not rows:
        return out
    visits: dict[int, dict] = {}
    orders = ServiceOrder.objects.unscoped(reason=REASON).filter(
        channel=Channel.LTC, scheduled_start__gte=start, scheduled_start__lt=end, status__in=COUNTED
    )
    if provider_ids is not None:
        orders = orders.filter(provider_id__in=provider_ids)
    if plan_ids is not None:
        orders = orders.filter(plan_id__in=[r[14] for r in rows if r[14]])
    planned_minutes = F("quantity") * Value(60)
    counted = orders.filter(plan_id__isnull=False)
    # Visits that may be short (under the largest share any scheme uses) are few: read them one by one and
    # judge each by its own scheme; the rest are summed in the database.
    shares = {Decimal(book.params(r[2], last)["short_visit_share"]) for r in rows}
    maybe_short = Q(served_minutes__isnull=True) | Q(served_minutes__lt=planned_minutes * Value(max(shares)))
    for plan_id, n, minutes in (
        counted.exclude(maybe_short)
        .values("plan_id")
        .annotate(
            n=Count("pk"), minutes=Sum(Least("served_minutes", planned_minutes, output_field=IntegerField()))
        )
        .values_list("plan_id", "n", "minutes")
    ):
        visits[plan_id] = {"n": n, "minutes": minutes or 0, "maybe": []}
    for pk, plan_id, served, quantity in counted.filter(maybe_short).values_list(
        "pk", "plan_id", "served_minutes", "quantity"
    ):
        visits.setdefault(plan_id, {"n": 0, "minutes": 0, "maybe": []})["maybe"].append(
            (pk, served, int(quantity * 60))
        )
    stays = _institution_days(rows, month, last)

    for row in rows:
        (
            pk,
            elder,
            region,
            provider,
            setting,
            level,
            _per_week,
            minutes,
            weekdays,
            extra,
            hourly,
            daily,
            starts_on,
            ends_on,
            service_plan,
            _status,
        ) = row
        params = book.params(region, last)
        line = Line(pk, elder, region, provider, setting, level)
        share = (
            params["fund_share_institution"]
            if setting == CareSetting.INSTITUTION
            else params["fund_share_home"]
        )
        if setting == CareSetting.INSTITUTION:
            line.days = stays.get((elder, provider, pk), 0)
            line.total = (Decimal(line.days) * Decimal(daily)).quantize(scheme.CENT)
        else:
            first, final = max(month, starts_on), min(last, ends_on)
            line.planned = (
                len(scheme.planned_days(weekdays, first=first, last=final)) if first <= final else 0
            )
            seen = visits.get(service_plan, {"n": 0, "minutes": 0, "maybe": []})
            line.delivered = seen["n"] + len(seen["maybe"])
            paid_minutes = seen["minutes"]
            held_minutes = 0
            for order_id, served, planned in seen["maybe"]:
                counted_as = min(served or 0, planned)
                if not scheme.is_short(params, served, planned):
                    paid_minutes += counted_as
                    continue
                line.short += 1
                decision = decisions.get(order_id, IssueDecision.PENDING)
                if decision == IssueDecision.PAY:
                    paid_minutes += planned
                elif decision == IssueDecision.ACTUAL:
                    paid_minutes += counted_as
                elif decision == IssueDecision.PENDING:
                    held_minutes += planned
                out.issues[provider].append((order_id, pk, region, provider, planned, served))
            extra_hours = scheme.extra_hours(params, level, starts_on, last)
            cap = line.planned * minutes + (extra_hours * 60 if extra == ExtraChoice.HOURS else 0)
            line.minutes = min(paid_minutes, cap)
            due_until = min(final, today)
            due = len(scheme.planned_days(weekdays, first=first, last=due_until)) if first <= due_until else 0
            line.missed = max(0, due - line.delivered)
            price = Decimal(hourly)
            line.total = (Decimal(line.minutes) / 60 * price).quantize(scheme.CENT)
            line.held = (Decimal(min(held_minutes, max(cap - line.minutes, 0))) / 60 * price).quantize(
                scheme.CENT
            )
            if extra == ExtraChoice.CASH and extra_hours:
                line.cash = scheme.extra_cash(params, extra_hours)
        line.fund, line.personal = scheme.split(line.total, share)
        out.lines[provider].append(line)
    return out


def _institution_days(rows: list[tuple], month: dt.date, last: dt.date) -> dict[tuple[int, int, int], int]:
    """Days of the month each institution-care plan's person spent in one of the provider's residential
    beds, within the plan's dates (a night counts for the day it begins)."""
    wanted = {(r[1], r[3]): r for r in rows if r[4] == CareSetting.INSTITUTION}
    if not wanted:
        return {}
    out: dict[tuple[int, int, int], int] = defaultdict(int)
    stays = (
        BedStay.objects.unscoped(reason=REASON)
        .filter(
            elder_id__in={e for e, _ in wanted},
            admitted_on__lte=last,
            bed__facility__kind__in=RESIDENTIAL_KINDS,
        )
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=month))
        .values_list("elder_id", "operator_id", "admitted_on", "discharged_on")
    )
    for elder, operator, admitted, discharged in stays:
        row = wanted.get((elder, operator))
        if row is None:
            continue
        first = max(month, admitted, row[12])
        final = min(last, (discharged - dt.timedelta(days=1)) if discharged else last, row[13])
        if first <= final:
            out[(elder, operator, row[0])] += (final - first).days + 1
    return out
