"""Reads of the LTC module, each through the actor's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from yanglao.core import divisions
from yanglao.core.errors import NotFound
from yanglao.core.models import Organisation, User
from yanglao.ltc import filters, scheme, settling
from yanglao.ltc.choices import INSTITUTION_KINDS, CareSetting, LtcSettlementStatus, LtcStatus, PlanStatus
from yanglao.ltc.models import CarePlan, LtcApplication, LtcSettlement, LtcSettlementLine, LtcVisitIssue
from yanglao.people.models import Elder
from yanglao.services.models import Caregiver, ServiceOffering, ServiceOrder


def application_filterset(*, user: User, params=None) -> filters.LtcApplicationFilterSet:
    return filters.LtcApplicationFilterSet(params, user=user)


def application_get(*, user: User, application_id: int) -> LtcApplication:
    found = (
        LtcApplication.objects.for_user(user)
        .select_related("elder", "region", "assessment", "provider")
        .filter(pk=application_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def elder_get(*, user: User, elder_id: int, action: str = "view") -> Elder:
    found = Elder.objects.for_user(user, action=action).filter(pk=elder_id).first()
    if found is None:
        raise NotFound()
    return found


def family_people(*, user: User) -> list[Elder]:
    """The people a family account is linked to (its scope is its links)."""
    return list(Elder.objects.for_user(user).order_by("pk")[:10])


def plan_for(*, user: User, application: LtcApplication) -> CarePlan | None:
    return (
        CarePlan.objects.for_user(user)
        .select_related("provider", "caregiver")
        .filter(application=application)
        .order_by("-pk")
        .first()
    )


def plan_get(*, user: User, plan_id: int) -> CarePlan:
    found = (
        CarePlan.objects.for_user(user)
        .select_related("provider", "caregiver", "elder")
        .filter(pk=plan_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def plans(*, user: User, after: int = 0) -> list[CarePlan]:
    rows = CarePlan.objects.for_user(user).select_related("elder", "provider", "caregiver")
    if after:
        rows = rows.filter(pk__lt=after)
    return list(rows.order_by("-pk")[:50])


def plan_month(*, plan: CarePlan, month: dt.date) -> tuple[settling.Line | None, list[ServiceOrder]]:
    """The plan's month as the settlement counts it, and its visits (orders) one by one."""
    worked = settling.compute(month=month, plan_ids=[plan.pk])
    line = next(iter(worked.lines.get(plan.provider_id, [])), None)
    start, end = settling.month_bounds(month)
    visits = []
    if plan.service_plan_id:
        visits = list(
            ServiceOrder.objects.unscoped(reason="the visits of a care plan the user sees")
            .filter(plan_id=plan.service_plan_id, scheduled_start__gte=start, scheduled_start__lt=end)
            .select_related("caregiver")
            .order_by("scheduled_start")
        )
    return line, visits


def designated_caregivers(*, elder: Elder) -> list[Caregiver]:
    """Active caregivers of providers whose hourly offerings serve the person's community (定点服务机构)."""
    serving = ServiceOffering.objects.unscoped(reason="providers serving the person's home").filter(
        active=True, item__unit="hour", areas__code__in=divisions.ancestors_and_self(elder.region_id)
    )
    skills = dict(serving.values_list("provider_id", "item__skill"))
    found = (
        Caregiver.objects.unscoped(reason="the caregivers a plan may name")
        .filter(provider_id__in=list(skills), active=True)
        .select_related("provider")
        .order_by("provider__name", "name")
    )
    return [c for c in found if skills[c.provider_id] in c.skills][:200]


def institutions(*, elder: Elder) -> list[Organisation]:
    district = elder.region_id[:6].ljust(12, "0")
    lo, hi = divisions.subtree_range(district)
    return list(
        Organisation.objects.unscoped(reason="institutions a plan may name")
        .filter(kind__in=INSTITUTION_KINDS, region__gte=lo, region__lt=hi)
        .order_by("name")[:200]
    )


def settlements(*, user: User, status: str = "") -> list[LtcSettlement]:
    rows = LtcSettlement.objects.for_user(user).select_related("provider", "region")
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-month", "provider__name")[:120])


def settlement_get(*, user: User, settlement_id: int) -> LtcSettlement:
    found = (
        LtcSettlement.objects.for_user(user)
        .select_related("provider", "region", "prepared_by", "approved_by")
        .filter(pk=settlement_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def settlement_lines(*, user: User, settlement: LtcSettlement, after: int = 0) -> list[LtcSettlementLine]:
    """The statement's lines the user may see: the provider all of its own, the district all, a street only
    its own people's (a provider's street sees the statement, not its neighbours' people by name)."""
    return list(
        LtcSettlementLine.objects.for_user(user)
        .filter(settlement=settlement, pk__gt=after)
        .select_related("elder")
        .order_by("pk")[:50]
    )


def settlement_issues(*, user: User, settlement: LtcSettlement) -> list[LtcVisitIssue]:
    return list(
        LtcVisitIssue.objects.for_user(user)
        .filter(settlement=settlement)
        .select_related("order", "plan__elder")
        .order_by("decision", "pk")[:200]
    )


def yearly_report(*, user: User, region_code: str, year: int) -> dict:
    """Xuhui's table shape: people served at home and in institutions, designated providers by kind, costs
    settled, the fund's and the persons' shares, from the approved statements of the year."""
    lo, hi = divisions.subtree_range(region_code)
    months = LtcSettlement.objects.for_user(user).filter(
        region__gte=lo, region__lt=hi, month__year=year, status=LtcSettlementStatus.APPROVED
    )
    totals = months.aggregate(
        total=Sum("total_yuan"),
        fund=Sum("fund_yuan"),
        personal=Sum("personal_yuan"),
        cash=Sum("cash_yuan"),
        hours=Sum("hours"),
        days=Sum("days"),
        statements=Count("pk"),
    )
    lines = LtcSettlementLine.objects.for_user(user).filter(settlement__in=months)
    served = {
        setting: lines.filter(setting=setting)
        .filter(Q(delivered_visits__gt=0) | Q(days__gt=0))
        .values("elder_id")
        .distinct()
        .count()
        for setting in (CareSetting.HOME, CareSetting.INSTITUTION)
    }
    kinds: dict[str, int] = defaultdict(int)
    for kind, n in (
        Organisation.objects.unscoped(reason="providers of statements read in scope")
        .filter(pk__in=months.values("provider_id"))
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    ):
        kinds[kind] += n
    by_month = list(
        months.values("month")
        .annotate(total=Sum("total_yuan"), fund=Sum("fund_yuan"), personal=Sum("personal_yuan"))
        .order_by("month")
    )

    def cents(value) -> Decimal:
        return Decimal(value or 0).quantize(scheme.CENT)

    for row in by_month:
        for key in ("total", "fund", "personal"):
            row[key] = cents(row[key])
    return {
        "year": year,
        "region": region_code,
        "people_home": served[CareSetting.HOME],
        "people_institution": served[CareSetting.INSTITUTION],
        "providers": sum(kinds.values()),
        "providers_by_kind": dict(kinds),
        "total_yuan": cents(totals["total"]),
        "fund_yuan": cents(totals["fund"]),
        "personal_yuan": cents(totals["personal"]),
        "cash_yuan": cents(totals["cash"]),
        "hours": cents(totals["hours"]),
        "days": totals["days"] or 0,
        "statements": totals["statements"],
        "by_month": by_month,
    }


def person_ltc(*, user: User, elder: Elder) -> dict:
    app = (
        LtcApplication.objects.for_user(user)
        .filter(elder=elder)
        .select_related("assessment")
        .order_by("-pk")
        .first()
    )
    plan = (
        CarePlan.objects.for_user(user)
        .filter(elder=elder, status=PlanStatus.ACTIVE)
        .select_related("provider", "caregiver")
        .first()
    )
    month = timezone.localdate().replace(day=1)
    line, _visits = plan_month(plan=plan, month=month) if plan else (None, [])
    return {
        "app": app,
        "plan": plan,
        "line": line,
        "month": month,
        "live": app is not None and app.status != LtcStatus.ENDED,
    }


def share_label(plan_setting: str, region_code: str) -> str:
    params = settling.SchemeBook().params(region_code, timezone.localdate())
    share = (
        params["fund_share_institution"]
        if plan_setting == CareSetting.INSTITUTION
        else params["fund_share_home"]
    )
    return f"{Decimal(share) * 100:.0f}%"


def entitlement(app: LtcApplication) -> dict | None:
    """What the claim's level gives under the person's scheme: visits a week, minutes, whether the extra
    hours or cash apply, and the fund's share for its setting."""
    if not app.care_level:
        return None
    params = settling.SchemeBook().params(app.region_id, timezone.localdate())
    care = scheme.home_care(params, app.care_level)
    return {
        "visits": care.visits_per_week,
        "minutes": care.minutes,
        "extra": app.care_level in params["extra_levels"],
        "share": share_label(app.setting, app.region_id),
    }
