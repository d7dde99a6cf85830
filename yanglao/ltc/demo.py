"""Demo long-term care for the Xuhui profile: Shanghai's scheme, one designated home-care provider (the second
home-service company, so the journeys of ``homecare`` and ``caregiver`` keep their own day) with an LTC
offering and a manager ``ltc_provider``, people with GB/T levels who applied and were assessed under
ltc-2021 through the real workflow, care plans started two months ago with visits delivered, the month
before last settled and approved, last month's statement prepared with its short visits waiting, one claim
qualified and waiting for its plan, one still being assessed. Deterministic for a given seed; idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yanglao.assessment import instruments
from yanglao.core import demo, months
from yanglao.core import services as core_services
from yanglao.core.models import Organisation, User
from yanglao.ltc import services
from yanglao.ltc.choices import LtcStatus
from yanglao.ltc.models import CarePlan, LtcApplication
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services.choices import Channel, OrderStatus
from yanglao.services.models import Caregiver, ServiceItem, ServiceOffering, ServiceOrder, ServicePlan

PLANS = 12
WEEKDAYS = {
    2: [1, 3, 5],
    3: [1, 3, 5],
    4: [1, 2, 3, 4, 5],
    5: [1, 2, 3, 4, 5, 6, 7],
    6: [1, 2, 3, 4, 5, 6, 7],
}


# ltc-2021's matrix key (C1 grade, worse of C2 and C3) for each result, and each grade's band top.
MATRIX_KEYS = {0: (0, 0), 1: (1, 0), 2: (2, 0), 3: (3, 0), 4: (3, 2), 5: (3, 3)}


def answers_for(level: int) -> dict:
    """ltc-2021 answers whose matrix result is ``level`` (0 基本正常 … 5 重度失能Ⅲ级): each dimension's items
    filled from the top until its total reaches the top of the band that gives the wanted grade."""
    data = instruments.get("ltc-2021")
    c1, worse = MATRIX_KEYS[level]
    out = {}
    for dim in data["dimensions"]:
        grade = c1 if dim["code"] == "C1" else (worse if dim["code"] == "C2" else 0)
        top = next(b[1] for b in dim["grade"]["bands"] if b[2] == grade)
        total = 0
        for item in dim["items"]:
            pick = max((o["score"] for o in item["options"] if total + o["score"] <= top), default=0)
            out[item["code"]] = pick
            total += pick
    return out


@demo.step("ltc", needs=("service_orders", "assessments", "accounts"))
def seed_ltc(ctx: demo.SeedContext) -> None:
    district = User.objects.filter(username="xuhui_admin").first()
    street = User.objects.filter(username="tianping").first()
    if district is None or street is None:
        return
    if LtcApplication.objects.unscoped(reason="demo seed").exists():
        ctx.log("长护险：已有，跳过")
        return
    homes = list(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind="home_service")
        .order_by("pk")[:2]
    )
    if len(homes) < 2:
        return
    provider = homes[1]
    workers = [
        c
        for c in Caregiver.objects.unscoped(reason="demo seed")
        .filter(provider=provider, active=True)
        .order_by("pk")
        if "care_worker" in c.skills
    ]
    if not workers:
        return
    manager = User.objects.filter(username="ltc_provider").first() or core_services.user_create(
        actor=None,
        username="ltc_provider",
        password=demo.DEMO_PASSWORD,
        role="provider",
        full_name="长护险定点机构负责人 郑洁",
        organisation_id=provider.pk,
    )
    ctx.accounts.append(("服务机构人员（长护险）", "ltc_provider", provider.name))
    agency = Organisation.objects.unscoped(reason="demo seed").filter(kind="assessment_agency").first()
    assessors = list(User.objects.filter(username__in=["assessor", "assessor2"]).order_by("username"))
    today = timezone.localdate()
    first = today.replace(day=1)
    with transaction.atomic():
        services.scheme_load(region_code="310000000000", effective_from=dt.date(2018, 1, 1))
        offering = ServiceOffering.objects.create(
            provider=provider,
            region_id=provider.region_id,
            item=ServiceItem.objects.get(code="LTC-JJ"),
            price=Decimal("65.00"),
        )
        offering.areas.set([demo.XUHUI])
        people = list(
            Elder.objects.unscoped(reason="demo seed")
            .filter(region__gte="310104003000", region__lt="310104004000", status=ElderStatus.ACTIVE)
            .filter(ability_instrument="gbt42195-2022", ability_level__gte=2, lat__isnull=False)
            .order_by("pk")[: PLANS + 2]
        )
    from yanglao.assessment import services as assessment_services

    results = [3, 3, 1, 2, 4, 5, 3, 2, 1, 3, 4, 2, 3, 3]  # ltc-2021 results (3 → care level 4)
    apps = []
    for n, person in enumerate(people):
        with transaction.atomic():
            app = services.ltc_apply(
                actor=street,
                elder_id=person.pk,
                applicant=["family", "self", "provider"][n % 3],
                applicant_name="家属" if n % 3 == 0 else ("本人" if n % 3 == 1 else provider.name),
                provider_id=provider.pk if n % 3 == 2 else None,
            )
            if n == len(people) - 1 or agency is None or len(assessors) < 2:
                continue  # the last one is still being assessed
            assessment_services.assessment_assign(
                actor=street,
                assessment_id=app.assessment_id,
                agency_id=agency.pk,
                assessor_ids=(assessors[0].pk, assessors[1].pk),
            )
            assessment_services.assessment_submit(
                actor=assessors[0],
                assessment_id=app.assessment_id,
                answers=answers_for(results[n]),
                context={},
            )
            assessment_services.assessment_confirm(actor=assessors[1], assessment_id=app.assessment_id)
            assessment_services.assessment_review(
                actor=district, assessment_id=app.assessment_id, approve=True
            )
            app.refresh_from_db()
            apps.append(app)
    qualified = [a for a in apps if a.status == LtcStatus.QUALIFIED]
    waiting = qualified.pop() if qualified else None  # one waits for the official to make its plan
    started = months.months_back(first, 2)
    plans = []
    for n, app in enumerate(qualified):
        with transaction.atomic():
            plan = services.plan_create(
                actor=district,
                application_id=app.pk,
                provider_id=provider.pk,
                caregiver_id=workers[n % len(workers)].pk,
                weekdays=WEEKDAYS[app.care_level],
                start_time=dt.time(8 + n % 8, 0),
                extra_choice="cash" if app.care_level >= 5 else "",
            )
            # Demo history: the plan began two months ago (a plan made today cannot start in the past).
            CarePlan.objects.unscoped(reason="demo seed").filter(pk=plan.pk).update(starts_on=started)
            ServicePlan.objects.unscoped(reason="demo seed").filter(pk=plan.service_plan_id).update(
                starts_on=started
            )
            plans.append(CarePlan.objects.unscoped(reason="demo seed").get(pk=plan.pk))
    _past_visits(plans, provider, district, started, today, ctx)
    institution = _institution_plan(street, district, agency, assessors, results[0])
    from yanglao.services import services as services_services

    services_services.plan_generate(days_ahead=14)
    before, last = months.months_back(first, 2), months.months_back(first, 1)
    from yanglao.ltc.models import LtcVisitIssue

    services.settlement_prepare(actor=manager, month=before)
    for made in services.settle_all(month=before):
        for issue in LtcVisitIssue.objects.unscoped(reason="demo seed").filter(settlement=made):
            services.settlement_decide(
                actor=district, issue_id=issue.pk, decision="actual", note="演示：按实际时长支付"
            )
        services.settlement_approve(actor=district, settlement_id=made.pk)
    services.settle_all(month=last)
    services.settlement_prepare(actor=manager, month=last)
    ctx.log(
        f"长护险：上海参数，定点机构 {provider.name}，申请 {len(people)} 件，照护计划 {len(plans)} 个"
        f"{'，1 件待制定计划' if waiting else ''}{'，机构照护 1 人' if institution else ''}；"
        f"{before:%Y年%m月}结算已审核，{last:%Y年%m月}待审核"
    )


def _institution_plan(street, district, agency, assessors, result):
    """One person in a residential bed applies for institution care (机构照护) at their institution."""
    from yanglao.assessment import services as assessment_services
    from yanglao.facilities.choices import RESIDENTIAL_KINDS
    from yanglao.facilities.models import BedStay

    stay = (
        BedStay.objects.unscoped(reason="demo seed")
        .filter(discharged_on__isnull=True, bed__facility__kind__in=RESIDENTIAL_KINDS)
        .filter(
            elder__region__gte="310104003000",
            elder__region__lt="310104004000",
            elder__status=ElderStatus.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    if stay is None or agency is None or len(assessors) < 2:
        return None
    with transaction.atomic():
        app = services.ltc_apply(
            actor=street,
            elder_id=stay.elder_id,
            applicant="family",
            applicant_name="家属",
            setting="institution",
        )
        assessment_services.assessment_assign(
            actor=street,
            assessment_id=app.assessment_id,
            agency_id=agency.pk,
            assessor_ids=(assessors[0].pk, assessors[1].pk),
        )
        assessment_services.assessment_submit(
            actor=assessors[0], assessment_id=app.assessment_id, answers=answers_for(result), context={}
        )
        assessment_services.assessment_confirm(actor=assessors[1], assessment_id=app.assessment_id)
        assessment_services.assessment_review(actor=district, assessment_id=app.assessment_id, approve=True)
        plan = services.plan_create(actor=district, application_id=app.pk, provider_id=stay.operator_id)
        started = max(stay.admitted_on, months.months_back(timezone.localdate().replace(day=1), 2))
        CarePlan.objects.unscoped(reason="demo seed").filter(pk=plan.pk).update(starts_on=started)
    return plan


def _past_visits(plans, provider, actor, started: dt.date, first: dt.date, ctx) -> None:
    """Delivered visits of the plans' past days, as the services module records verified ones; about 5 % are
    missed and 3 % cut short."""
    from yanglao.ltc import scheme

    rng = ctx.rng
    offering = ServiceOffering.objects.unscoped(reason="demo seed").get(
        provider=provider, item__code="LTC-JJ"
    )
    zone = timezone.get_current_timezone()
    orders = []
    for plan in plans:
        for day in scheme.planned_days(plan.weekdays, first=started, last=first - dt.timedelta(days=1)):
            # ``first`` here is today: every past planned day up to yesterday
            if rng.random() < 0.05:
                continue
            start = dt.datetime.combine(day, plan.start_time, tzinfo=zone)
            minutes = rng.choice([35, 40]) if rng.random() < 0.03 else rng.choice([58, 60, 62, 65])
            orders.append(
                ServiceOrder(
                    client_key=f"demo-ltc-{plan.pk}-{day:%Y%m%d}",
                    elder_id=plan.elder_id,
                    region_id=plan.region_id,
                    provider=provider,
                    offering=offering,
                    item=offering.item,
                    quantity=Decimal(1),
                    scheduled_start=start,
                    scheduled_end=start + dt.timedelta(hours=1),
                    unit_price=offering.price,
                    self_pay_yuan=offering.price,
                    status=OrderStatus.CONFIRMED,
                    caregiver_id=plan.caregiver_id,
                    channel=Channel.LTC,
                    placed_by=actor,
                    plan_id=plan.service_plan_id,
                    checked_in_at=start,
                    checked_out_at=start + dt.timedelta(minutes=minutes),
                    served_minutes=minutes,
                    confirmed_at=start + dt.timedelta(minutes=minutes + 2),
                    confirmed_via="code",
                )
            )
    ServiceOrder.objects.bulk_create(orders, batch_size=2000)
    ctx.stats["ltc_visits"] = len(orders)
