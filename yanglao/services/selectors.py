"""Reads of the services module: the catalogue with the rules in force for a region, providers' offerings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people import groups
from yanglao.people import selectors as people_selectors
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import entitlements, errors, filters, pricing, quality_rules, rules, slots, visiting
from yanglao.services.choices import Channel, OrderStatus
from yanglao.services.models import (
    BasicServiceList,
    BasicServiceListRow,
    Caregiver,
    CheckInRule,
    Complaint,
    MonthlyAllowance,
    QualitySetting,
    ServiceAlert,
    ServiceItem,
    ServiceOffering,
    ServiceOrder,
    ServicePlan,
    Settlement,
    SettlementAdjustment,
    SettlementException,
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


def entitlements_for(
    *, elder: Elder, today: dt.date | None = None, lists: list[BasicServiceList] | None = None
) -> Entitlements:
    """What the basic service lists in force for the person's community give them this month (``lists``:
    those lists, when the caller read them once for many people of one community)."""
    today = today or timezone.localdate()
    person_groups = [g.code for g in people_selectors.elder_groups(elder, today)]
    level = groups.ability_current(elder.as_record(), today)
    rows = [
        row
        for service_list in (
            lists if lists is not None else basic_lists_in_force(region_code=elder.region_id, today=today)
        )
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
        .exclude(channel=Channel.LTC)
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
        .exclude(channel=Channel.LTC)
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


def quality_settings() -> dict[str | None, QualitySetting]:
    """Every region's own thresholds, keyed by region code, and the default under ``None`` (the stored row
    without a region, else the shipped values, unsaved). A handful of rows: read whole."""
    found: dict[str | None, QualitySetting] = {s.region_id: s for s in QualitySetting.objects.all()}
    found.setdefault(None, QualitySetting(region=None, is_default=True, **quality_rules.DEFAULTS))
    return found


def quality_setting_for(*, region_code: str) -> QualitySetting:
    """The thresholds in force in ``region_code``: the nearest region's own, else the default."""
    setting = rules.most_specific(quality_settings(), region_code)
    assert setting is not None  # the default is always there
    return setting


def alert_filterset(*, user: User, params=None) -> filters.AlertFilterSet:
    return filters.AlertFilterSet(params, user=user)


def complaint_filterset(*, user: User, params=None) -> filters.ComplaintFilterSet:
    return filters.ComplaintFilterSet(params, user=user)


def follow_up_filterset(*, user: User, params=None) -> filters.FollowUpFilterSet:
    return filters.FollowUpFilterSet(params, user=user)


def alert_get(*, user: User, alert_id: int) -> ServiceAlert:
    alert = (
        ServiceAlert.objects.for_user(user)
        .select_related("order__item", "order__caregiver", "region", "provider", "handled_by")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise NotFound()
    return alert


def complaint_get(*, user: User, complaint_id: int) -> Complaint:
    found = (
        Complaint.objects.for_user(user)
        .select_related("order__item", "elder", "region", "provider")
        .filter(pk=complaint_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
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


@dataclass(frozen=True)
class Monitor:
    """The provider's monitor: today's orders by state and the open alerts, newest first."""

    day: dt.date
    by_status: list[tuple[str, str, int]]  # (status, label, count)
    orders_today: int
    open_alerts: list[ServiceAlert]
    open_total: int


MONITOR_ALERTS = 100  # the newest open alerts on the page; the alert list holds them all


def monitor(*, user: User, today: dt.date | None = None) -> Monitor:
    from django.db.models import Count

    from yanglao.services.choices import AlertStatus, OrderStatus

    day = today or timezone.localdate()
    start, end = _day_bounds(day)
    counts = dict(
        ServiceOrder.objects.for_user(user)
        .filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    open_qs = ServiceAlert.objects.for_user(user).filter(status=AlertStatus.OPEN)
    alerts = list(
        open_qs.select_related("order__item", "order__caregiver", "region").order_by("-raised_at", "-pk")[
            :MONITOR_ALERTS
        ]
    )
    return Monitor(
        day=day,
        by_status=[(value, label, counts.get(value, 0)) for value, label in OrderStatus.choices],
        orders_today=sum(counts.values()),
        open_alerts=alerts,
        open_total=open_qs.count(),
    )


@dataclass(frozen=True)
class StreetRow:
    code: str
    name: str
    orders_today: int
    by_kind: list[tuple[str, int]]  # today's alerts by kind, in the page's columns
    alerts_today: int
    open_alerts: int
    overdue_complaints: int


@dataclass(frozen=True)
class TrendDay:
    day: dt.date
    count: int
    x: int  # the bar's place in the page's 600 × 110 chart
    y: int
    height: int


@dataclass(frozen=True)
class Supervision:
    day: dt.date
    kinds: list[tuple[str, str]]
    streets: list[StreetRow]
    totals: StreetRow
    trend: list[TrendDay]  # alerts raised per day, the last 30 days
    trend_max: int


def _street_of(code: str) -> str:
    return code[:9] + "000"


def supervision(*, user: User, today: dt.date | None = None, days: int = 30) -> Supervision:
    """The government's page: per street of the user's scope, today's orders and alerts by kind, the open
    alerts and escalated complaints, plus alerts per day over ``days`` days. Grouped in the database by
    community, then summed per street here (a district has a few hundred communities at most)."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from yanglao.core.models import Region
    from yanglao.services.choices import AlertKind, AlertStatus, ComplaintStatus

    day = today or timezone.localdate()
    start, end = _day_bounds(day)
    orders = (
        ServiceOrder.objects.for_user(user)
        .filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    alerts = ServiceAlert.objects.for_user(user)
    today_kinds = (
        alerts.filter(raised_at__gte=start, raised_at__lt=end)
        .values_list("region_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("region_id", "kind", "n")
    )
    open_ = (
        alerts.filter(status=AlertStatus.OPEN)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    escalated = (
        Complaint.objects.for_user(user)
        .filter(status=ComplaintStatus.ESCALATED)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    acc: dict[str, dict] = {}

    def row(code: str) -> dict:
        return acc.setdefault(_street_of(code), {"orders": 0, "kinds": {}, "open": 0, "complaints": 0})

    for code, n in orders:
        row(code)["orders"] += n
    for code, kind, n in today_kinds:
        kinds = row(code)["kinds"]
        kinds[kind] = kinds.get(kind, 0) + n
    for code, n in open_:
        row(code)["open"] += n
    for code, n in escalated:
        row(code)["complaints"] += n
    names = dict(Region.objects.filter(code__in=list(acc)).values_list("code", "name"))
    totals_kinds: dict[str, int] = {}
    for v in acc.values():
        for kind, n in v["kinds"].items():
            totals_kinds[kind] = totals_kinds.get(kind, 0) + n
    # Columns for the kinds seen today (eleven empty columns would hide the ones that matter).
    kinds = [(value, label) for value, label in AlertKind.choices if totals_kinds.get(value)]

    def street(code: str, name: str, v: dict) -> StreetRow:
        return StreetRow(
            code=code,
            name=name,
            orders_today=v["orders"],
            by_kind=[(kind, v["kinds"].get(kind, 0)) for kind, _label in kinds],
            alerts_today=sum(v["kinds"].values()),
            open_alerts=v["open"],
            overdue_complaints=v["complaints"],
        )

    streets = [street(code, names.get(code, code), v) for code, v in sorted(acc.items())]
    totals = street(
        "",
        "合计",
        {
            "orders": sum(v["orders"] for v in acc.values()),
            "kinds": totals_kinds,
            "open": sum(v["open"] for v in acc.values()),
            "complaints": sum(v["complaints"] for v in acc.values()),
        },
    )
    first = day - dt.timedelta(days=days - 1)
    per_day = dict(
        alerts.filter(raised_at__gte=_day_bounds(first)[0], raised_at__lt=end)
        .annotate(day=TruncDate("raised_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts_by_day = [
        (first + dt.timedelta(days=i), per_day.get(first + dt.timedelta(days=i), 0)) for i in range(days)
    ]
    top = max([n for _d, n in counts_by_day] + [1])
    trend = [
        TrendDay(day=d, count=n, x=i * 20 + 3, height=round(100 * n / top), y=110 - round(100 * n / top))
        for i, (d, n) in enumerate(counts_by_day)
    ]
    return Supervision(
        day=day,
        kinds=kinds,
        streets=streets,
        totals=totals,
        trend=trend,
        trend_max=top,
    )


def offerings_for_home(*, user: User, elder_id: int) -> list[ServiceOffering]:
    """The active offerings whose service areas cover the home of a person in the user's scope (any provider
    may serve a person, as ``order_place`` allows), cheapest first within each item."""
    elder = Elder.objects.for_user(user).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    return list(
        ServiceOffering.objects.unscoped(reason="a person's order may go to any provider serving the home")
        .filter(active=True, item__active=True, areas__code__in=rules.ancestors_and_self(elder.region_id))
        .select_related("item", "provider")
        .distinct()
        .order_by("item__service_type", "item__code", "price", "pk")
    )


def _unit_hours(item: ServiceItem) -> Decimal:
    # As order_place counts it: an hourly item by the hour, a visit by its standard minutes.
    return Decimal(1) if item.unit == "hour" else Decimal(item.standard_minutes) / 60


@dataclass(frozen=True)
class Quote:
    """What an order would cost before it is placed: the same ``pricing.split`` with the allowance left now."""

    elder: Elder
    offering: ServiceOffering
    quantity: Decimal
    scheduled_start: dt.datetime
    split: pricing.Split
    hours_left: Decimal
    yuan_left: Decimal

    @property
    def total_yuan(self) -> Decimal:
        return self.split.government_yuan + self.split.self_pay_yuan


def order_quote(
    *, user: User, elder_id: int, offering_id: int, scheduled_start: dt.datetime, quantity: Decimal | int = 1
) -> Quote:
    """The price split an order would get now. Writes nothing (a month without an allowance row yet is
    quoted from the lists in force on its first day, as the order would create it)."""
    elder = Elder.objects.for_user(user).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    offering = next(
        (o for o in offerings_for_home(user=user, elder_id=elder_id) if o.pk == offering_id), None
    )
    if offering is None:
        raise NotFound()
    try:
        units = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        units = Decimal(0)
    if not Decimal(0) < units <= Decimal(24) or units != units.quantize(Decimal("0.1")):
        raise errors.InvalidOrder(
            "数量应在 0.1 到 24 之间", fields={"quantity": "超出范围"}, code="services.quote_bad_quantity"
        )
    hours_left = yuan_left = Decimal(0)
    if offering.government_purchased:
        month = timezone.localtime(scheduled_start).date().replace(day=1)
        row = (
            MonthlyAllowance.objects.unscoped(reason="the quoted person, checked in scope above")
            .filter(elder=elder, month=month)
            .first()
        )
        if row is not None:
            hours_left, yuan_left = row.hours_left, row.yuan_left
        else:
            grant = entitlements_for(elder=elder, today=month)
            hours_left, yuan_left = grant.monthly_hours, grant.monthly_yuan
    share = pricing.split(
        quantity=units,
        price=offering.price,
        contracted_price=offering.contracted_price if offering.government_purchased else None,
        unit_hours=_unit_hours(offering.item),
        hours_left=hours_left,
        yuan_left=yuan_left,
    )
    return Quote(elder, offering, units, scheduled_start, share, hours_left, yuan_left)


def free_slots(*, user: User, elder_id: int, day: dt.date) -> list[dt.datetime]:
    """The day's 30-minute slots (08:00–18:00) the person has no order in yet and that have not begun."""
    elder = Elder.objects.for_user(user).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    starts = [timezone.make_aware(dt.datetime.combine(day, t)) for t in slots.day_slots()]
    taken = (
        ServiceOrder.objects.unscoped(reason="the person's own orders, checked in scope above")
        .filter(elder=elder, scheduled_start__date__gte=day - dt.timedelta(days=1))
        .filter(scheduled_start__lt=starts[-1] + slots.STEP)
        .exclude(status__in=(OrderStatus.CANCELLED, OrderStatus.ABORTED))
        .values_list("scheduled_start", "scheduled_end")
    )
    return slots.free_slots(starts, taken=list(taken), now=timezone.now())


@dataclass(frozen=True)
class FamilyPerson:
    elder: Elder
    allowance: MonthlyAllowance | None  # this month's row, if an order created it
    grant: Entitlements  # what the lists give this month
    upcoming: list[ServiceOrder]
    recent: list[ServiceOrder]
    plans: list[ServicePlan]

    @property
    def hours_left(self) -> Decimal:
        return self.allowance.hours_left if self.allowance else self.grant.monthly_hours

    @property
    def yuan_left(self) -> Decimal:
        return self.allowance.yuan_left if self.allowance else self.grant.monthly_yuan


ACTIVE_STATES = (
    OrderStatus.REQUESTED,
    OrderStatus.STREET_APPROVED,
    OrderStatus.APPROVED,
    OrderStatus.DISPATCHED,
    OrderStatus.ACCEPTED,
    OrderStatus.CHECKED_IN,
)


def family_home(*, user: User, now: dt.datetime | None = None) -> list[FamilyPerson]:
    """Each person linked to a family account: this month's allowance left, next visits, recent visits."""
    now = now or timezone.now()
    month = timezone.localtime(now).date().replace(day=1)
    out = []
    for elder in people_selectors.family_people(user=user):
        orders = ServiceOrder.objects.for_user(user).filter(elder=elder).select_related("item", "provider")
        out.append(
            FamilyPerson(
                elder=elder,
                allowance=MonthlyAllowance.objects.for_user(user).filter(elder=elder, month=month).first(),
                grant=entitlements_for(elder=elder, today=month),
                upcoming=list(
                    orders.filter(status__in=ACTIVE_STATES, scheduled_end__gte=now).order_by(
                        "scheduled_start"
                    )[:5]
                ),
                recent=list(orders.exclude(status__in=ACTIVE_STATES).order_by("-scheduled_start")[:5]),
                plans=list(plan_list(user=user, elder_id=elder.pk)),
            )
        )
    return out


def family_people(*, user: User):
    return people_selectors.family_people(user=user)


def plan_list(*, user: User, elder_id: int | None = None):
    qs = ServicePlan.objects.for_user(user).select_related("elder", "offering__item", "offering__provider")
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("-active", "-created_at")


def plan_get(*, user: User, plan_id: int) -> ServicePlan:
    plan = plan_list(user=user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def order_timeline(order: ServiceOrder) -> list[tuple[str, bool]]:
    """The national path (申请 → … → 评价) with the steps the order has reached; a cancelled or aborted
    order ends where it stopped."""
    path = [
        (OrderStatus.REQUESTED, "申请"),
        (OrderStatus.STREET_APPROVED, "街道初审"),
        (OrderStatus.APPROVED, "区县审核"),
        (OrderStatus.DISPATCHED, "派单"),
        (OrderStatus.ACCEPTED, "接单"),
        (OrderStatus.CHECKED_IN, "签到"),
        (OrderStatus.CHECKED_OUT, "签退"),
        (OrderStatus.CONFIRMED, "确认"),
        (OrderStatus.RATED, "评价"),
    ]
    states = [s for s, _ in path]
    reached = states.index(order.status) if order.status in states else -1
    if reached < 0:  # cancelled or aborted: what happened before shows through the visit times
        reached = 5 if order.checked_in_at else 0
    return [(label, i <= reached) for i, (_, label) in enumerate(path)]


@dataclass(frozen=True)
class OrderFile:
    """What the staff order page shows besides the order: its reports, alerts, complaints and, while it waits
    for dispatch, the caregivers dispatch would suggest (nearest qualified and free first)."""

    order: ServiceOrder
    timeline: list[tuple[str, bool]]
    actions: list[VisitAction]
    alerts: list[ServiceAlert]
    complaints: list[Complaint]
    suggestions: list[tuple[Caregiver, float | None]]


def order_file(*, user: User, order_id: int) -> OrderFile:
    order = (
        ServiceOrder.objects.for_user(user)
        .select_related("elder", "item", "provider", "region", "caregiver", "placed_by", "offering")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    suggestions: list[tuple[Caregiver, float | None]] = []
    if order.status == OrderStatus.APPROVED and user.has_perm("services.dispatch_serviceorder"):
        from yanglao.services import services

        ranked = services.caregiver_suggestions(order=order)
        staff = Caregiver.objects.for_user(user).in_bulk([pk for pk, _ in ranked])
        suggestions = [(staff[pk], metres) for pk, metres in ranked if pk in staff]
    can_watch = user.has_perm("services.view_servicealert")
    return OrderFile(
        order=order,
        timeline=order_timeline(order),
        actions=visit_actions(user=user, order=order) if user.has_perm("services.view_visitaction") else [],
        alerts=list(ServiceAlert.objects.for_user(user).filter(order=order).order_by("raised_at"))
        if can_watch
        else [],
        complaints=list(Complaint.objects.for_user(user).filter(order=order).order_by("filed_at"))
        if user.has_perm("services.view_complaint")
        else [],
        suggestions=suggestions,
    )


def caregiver_roster(*, user: User) -> list[Caregiver]:
    """The provider's caregivers (a government user sees those of providers in its region), active first."""
    return list(
        Caregiver.objects.for_user(user)
        .select_related("user", "provider")
        .order_by("-active", "name", "pk")[:500]
    )


def caregiver_in_roster(*, user: User, caregiver_id: object) -> Caregiver:
    """One of the user's own caregivers to change; another provider's is the same NotFound as a missing one."""
    try:
        pk = int(str(caregiver_id))
    except ValueError:
        raise NotFound() from None
    found = Caregiver.objects.for_user(user, action="change").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found
