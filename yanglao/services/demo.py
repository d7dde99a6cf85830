"""Demo offerings for the Xuhui profile: what each kind of provider sells, at demo prices (not official
prices), with government-purchased items at a lower contracted price; each serves its own street."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.core import audit, demo
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.models import Organisation, Region, User
from yanglao.people import groups
from yanglao.people import services as people_services
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder, FamilyLink
from yanglao.services import pricing, rules, selectors, services
from yanglao.services.choices import AlertStatus, Channel, ConfirmVia, OrderStatus
from yanglao.services.models import (
    BasicServiceList,
    BasicServiceListRow,
    Caregiver,
    CheckInRule,
    MonthlyAllowance,
    ServiceAlert,
    ServiceItem,
    ServiceOffering,
    ServiceOrder,
    ServicePlan,
    Settlement,
    SettlementException,
)

# kind → (item code, demo price in yuan, contracted price when the government buys it, or None)
OFFERS = {
    "home_service": [
        ("SH-ZY", 100, 80),
        ("SH-ZJ", 45, 38),
        ("SH-XY", 30, None),
        ("SH-ZX", 50, None),
        ("JC-SMHL", 70, 60),
        ("JC-CX", 60, None),
        ("JK-PZ", 90, None),
        ("JS-PB", 40, 35),
        ("WT-DG", 30, None),
        ("TF-TF", 30, 30),
    ],
    "canteen": [("SH-ZC", 18, 12)],
    "meal_site": [("SH-ZC", 16, 12)],
    "nursing_station": [("JK-HL", 90, 75), ("JK-JC", 20, None), ("JK-KF", 120, None), ("JC-SMHL", 75, 60)],
    "day_care": [("SH-ZY", 80, 70), ("JC-CX", 50, 45), ("TF-TF", 30, 30), ("JS-PB", 35, None)],
    "community_centre": [("TF-TF", 30, 30), ("JS-PB", 35, None), ("SH-ZJ", 42, 38)],
}


@demo.step("services", needs=("organisations",))
def seed_offerings(ctx: demo.SeedContext) -> None:
    if ServiceOffering.objects.unscoped(reason="demo seed").exists():
        ctx.log("服务机构项目：已有，跳过")
        return
    items = {i.code: i for i in ServiceItem.objects.all()}
    providers = list(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind__in=OFFERS)
        .order_by("pk")
    )
    streets = {
        r.code: r for r in Region.objects.filter(code__in={p.region_id[:9] + "000" for p in providers})
    }
    made = 0
    with transaction.atomic():
        for provider in providers:
            for code, price, contracted in OFFERS[provider.kind]:
                offering = ServiceOffering.objects.create(
                    provider=provider,
                    region_id=provider.region_id,
                    item=items[code],
                    price=Decimal(price),
                    government_purchased=contracted is not None,
                    contracted_price=Decimal(contracted) if contracted is not None else None,
                )
                street = streets.get(provider.region_id[:9] + "000")
                offering.areas.set([street] if street else [provider.region])
                made += 1
    ctx.stats["offerings"] = made
    ctx.log(f"服务机构项目：{made} 项（演示价格，非官方价格）")


# The district's list as the demo has it: typed for the demo, not an official list (labelled so on the page).
DEMO_LIST = [
    # (category, name, target groups, min ability level, hours a month, yuan a month, payer)
    ("care", "高龄独居老人居家照护", ["oldest_old", "living_alone"], None, 8, None, "government"),
    ("care", "特困老人居家照护", ["extreme_poverty"], None, 20, None, "government"),
    ("care", "失能老人上门护理", [], 3, 12, None, "government"),
    ("concern", "计生特殊家庭老人关爱服务", ["family_planning"], None, None, 200, "government"),
]


CAREGIVERS_PER_PROVIDER = 6


CAREGIVER_KINDS = ("home_service", "nursing_station", "day_care")


# Share of past visits with each breach: about 3 % late, 1 % no-show, 2 % short, a few far from home.
BREACHES = (("no_show", 0.01), ("late", 0.03), ("short", 0.02), ("far_in", 0.004))


MONTHS_BACK = 3


DAYS_AHEAD = 14


@demo.step("service_orders", needs=("services", "people", "accounts"))
def seed_service_orders(ctx: demo.SeedContext) -> None:
    """Three months of orders for the people the demo list entitles, with the breaches a real district sees,
    so the monitors and the settlement show something true. Idempotent: skipped when orders exist."""
    if ServiceOrder.objects.unscoped(reason="demo seed").exists():
        ctx.log("服务工单：已有，跳过")
        return
    with transaction.atomic():
        _demo_list()
        caregivers = _demo_caregivers(ctx)
        made, alerts = _demo_orders(ctx, caregivers)
    ctx.stats["service_orders"] = made
    ctx.log(f"服务工单：近 {MONTHS_BACK} 个月及未来 {DAYS_AHEAD} 天 {made} 单，服务质量异常 {alerts} 条")


def _demo_list() -> None:
    if BasicServiceList.objects.unscoped(reason="demo seed").filter(region_id=demo.XUHUI).exists():
        return
    service_list = BasicServiceList.objects.create(
        region_id=demo.XUHUI,
        title="徐汇区基本养老服务清单（演示数据，非官方清单）",
        effective_from=dt.date(2024, 1, 1),
    )
    for position, (category, name, target, level, hours, yuan, payer) in enumerate(DEMO_LIST, start=1):
        BasicServiceListRow.objects.create(
            service_list=service_list,
            position=position,
            category=category,
            name=name,
            target_groups=target,
            min_ability_level=level,
            monthly_hours=Decimal(hours) if hours is not None else None,
            monthly_yuan=Decimal(yuan) if yuan is not None else None,
            payer=payer,
        )


def _demo_caregivers(ctx: demo.SeedContext) -> dict[int, list[Caregiver]]:
    """Six caregivers per home-service company, nursing station and day centre, with sign-in disabled (the
    demo account ``caregiver`` is the one to log in with)."""
    providers = list(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind__in=CAREGIVER_KINDS)
        .order_by("pk")
    )
    group = (
        Group.objects.filter(name=Role.CAREGIVER.label).first() or core_services.roles_sync()[Role.CAREGIVER]
    )
    skills_by_kind = {
        "home_service": [["general"], ["general", "care_worker"], ["care_worker"], ["general"]],
        "nursing_station": [["nurse"], ["nurse", "care_worker"], ["rehab"], ["care_worker"]],
        "day_care": [["care_worker"], ["general", "social_worker"], ["general"]],
    }
    by_provider: dict[int, list[Caregiver]] = {}
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    for provider in providers:
        staff = []
        for n in range(CAREGIVERS_PER_PROVIDER):
            name = ctx.rng.choice(surnames) + ctx.rng.choice(given) + ctx.rng.choice(given)
            user = User(
                username=f"cg{provider.pk}_{n}",
                full_name=f"护理员 {name}",
                role=Role.CAREGIVER,
                organisation=provider,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            staff.append(
                Caregiver(
                    user=user,
                    provider=provider,
                    region_id=provider.region_id,
                    name=name,
                    skills=skills_by_kind[provider.kind][n % len(skills_by_kind[provider.kind])],
                )
            )
        by_provider[provider.pk] = Caregiver.objects.bulk_create(staff)
    demo_user = User.objects.filter(username="caregiver").first()
    if demo_user is not None and demo_user.organisation_id in by_provider:
        if not Caregiver.objects.unscoped(reason="demo seed").filter(user=demo_user).exists():
            mine = Caregiver.objects.create(
                user=demo_user,
                provider_id=demo_user.organisation_id,
                region_id=demo_user.organisation.region_id,
                name="刘芳",
                skills=["general", "care_worker"],
            )
            by_provider[demo_user.organisation_id].insert(0, mine)
    return by_provider


def _demo_orders(ctx: demo.SeedContext, caregivers: dict[int, list[Caregiver]]) -> tuple[int, int]:
    now = timezone.now()
    today = timezone.localdate()
    first_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for _ in range(MONTHS_BACK - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    offerings = list(
        ServiceOffering.objects.unscoped(reason="demo seed")
        .filter(active=True, provider_id__in=caregivers)
        .select_related("item")
        .prefetch_related("areas")
    )
    by_street: dict[str, list[ServiceOffering]] = {}
    for offering in offerings:
        for area in offering.areas.all():
            by_street.setdefault(area.code, []).append(offering)
    rules_by_item: dict[int, dict[str | None, CheckInRule]] = {}
    for rule in CheckInRule.objects.all():
        rules_by_item.setdefault(rule.item_id, {})[rule.region_id] = rule
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", status=ElderStatus.ACTIVE)
        .filter(Q(living_arrangement="alone") | Q(economic_status="extreme_poverty"))
        .exclude(lat=None)
        .order_by("pk")
    )
    clients = ctx.rng.sample(people, min(len(people), max(20, round(12_000 * ctx.scale))))
    system = audit.system_actor()
    orders: list[ServiceOrder] = []
    grants: dict[tuple[int, dt.date], MonthlyAllowance] = {}
    breaches: list[tuple[int, list[rules.Breach], dt.datetime]] = []
    for elder in clients:
        choices = by_street.get(elder.region_id[:9] + "000")
        if not choices:
            continue
        offering = ctx.rng.choice(
            [o for o in choices if o.item.code in ("SH-ZY", "SH-ZJ", "JC-SMHL", "TF-TF")] or choices
        )
        staff = [
            c for c in caregivers[offering.provider_id] if offering.item.skill in c.skills
        ] or caregivers[offering.provider_id]
        caregiver = ctx.rng.choice(staff)
        # The demo account's day is the eight jobs of ``care_day``; from today on her clients go to a colleague.
        stand_in = next(
            (c for c in staff + caregivers[offering.provider_id] if c.user.username != "caregiver"), caregiver
        )
        grant = selectors.entitlements_for(elder=elder, today=today)
        weekdays = sorted(ctx.rng.sample(range(7), ctx.rng.choice((1, 2, 2))))
        hour = ctx.rng.choice((8, 9, 10, 14, 15))
        rule_row = rules.most_specific(rules_by_item.get(offering.item_id, {}), elder.region_id)
        rule = selectors.as_rule(rule_row) if rule_row else None
        day = first_month
        while day <= today + dt.timedelta(days=DAYS_AHEAD):
            if day.weekday() in weekdays:
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, ctx.rng.choice((0, 30)))))
                who = caregiver
                if day >= today and caregiver.user.username == "caregiver":
                    who = stand_in
                order, found = _demo_visit(ctx, elder, offering, who, start, now, rule, grants, grant)
                orders.append(order)
                if found:
                    breaches.append((len(orders) - 1, found, start))
            day += dt.timedelta(days=1)
    MonthlyAllowance.objects.bulk_create(grants.values(), batch_size=2000)
    for order in orders:
        if order.allowance is not None:
            order.allowance_id = order.allowance.pk
        order.placed_by = system
    ServiceOrder.objects.bulk_create(orders, batch_size=2000)
    alerts = []
    for index, found, start in breaches:
        order = orders[index]
        for breach in found:
            closed = order.scheduled_start < now - dt.timedelta(days=2)
            alerts.append(
                ServiceAlert(
                    order=order,
                    provider_id=order.provider_id,
                    region_id=order.region_id,
                    kind=breach.kind,
                    action=breach.action,
                    message=breach.message,
                    raised_at=order.checked_in_at or start + dt.timedelta(minutes=30),
                    status=AlertStatus.CLOSED if closed else AlertStatus.OPEN,
                    handled_by=system if closed else None,
                    handled_at=start + dt.timedelta(days=1) if closed else None,
                    note="已电话核实，提醒护理员按规范服务" if closed else "",
                )
            )
    ServiceAlert.objects.bulk_create(alerts, batch_size=2000)
    return len(orders), len(alerts)


def _demo_visit(ctx, elder, offering, caregiver, start, now, rule, grants, grant):
    """One order as it would stand today: past visits done (or missed, late, short), today's in progress,
    future ones waiting. Returns the order (unsaved) and the breaches its visit shows."""
    item = offering.item
    minutes = item.standard_minutes
    month = start.date().replace(day=1)
    allowance = None
    hours_left = yuan_left = Decimal(0)
    if offering.government_purchased and (grant.monthly_hours or grant.monthly_yuan):
        allowance = grants.get((elder.pk, month))
        if allowance is None:
            allowance = grants[(elder.pk, month)] = MonthlyAllowance(
                elder=elder,
                region_id=elder.region_id,
                month=month,
                hours_granted=grant.monthly_hours,
                yuan_granted=grant.monthly_yuan,
            )
        hours_left, yuan_left = allowance.hours_left, allowance.yuan_left
    unit_hours = Decimal(1) if item.unit == "hour" else Decimal(minutes) / 60
    share = pricing.split(
        quantity=Decimal(1),
        price=offering.price,
        contracted_price=offering.contracted_price if offering.government_purchased else None,
        unit_hours=unit_hours,
        hours_left=hours_left,
        yuan_left=yuan_left,
    )
    if allowance is not None:
        allowance.hours_used += share.hours_used
        allowance.yuan_used += share.yuan_used
    end = start + dt.timedelta(minutes=minutes)
    order = ServiceOrder(
        client_key=f"demo-{elder.pk}-{start:%Y%m%d%H%M}",
        elder=elder,
        region_id=elder.region_id,
        provider_id=offering.provider_id,
        offering=offering,
        item=item,
        quantity=Decimal(1),
        scheduled_start=start,
        scheduled_end=end,
        unit_price=offering.price,
        contracted_price=offering.contracted_price if offering.government_purchased else None,
        covered_units=share.covered_units,
        government_yuan=share.government_yuan,
        self_pay_yuan=share.self_pay_yuan,
        hours_used=share.hours_used,
        yuan_used=share.yuan_used,
        allowance=allowance if (share.hours_used or share.yuan_used) else None,
        caregiver=caregiver,
        channel=ctx.rng.choice((Channel.FAMILY, Channel.ADVISOR, Channel.PLAN, Channel.PLAN)),
        status=OrderStatus.ACCEPTED,
    )
    order.created_at = start - dt.timedelta(days=ctx.rng.randint(1, 6))
    if start > now:
        order.status = ctx.rng.choice(
            (OrderStatus.ACCEPTED, OrderStatus.ACCEPTED, OrderStatus.DISPATCHED, OrderStatus.APPROVED)
        )
        if order.status == OrderStatus.APPROVED:
            order.caregiver = None
        return order, []
    draw = ctx.rng.random()
    kind, edge = None, 0.0
    for name, share_ in BREACHES:
        edge += share_
        if draw < edge:
            kind = name
            break
    if kind == "no_show":
        order.status = OrderStatus.ABORTED
        order.abort_reason = "护理员未按时签到，工单异常终止"
        late = (rule.late_start_minutes if rule else 15) + 30
        return order, [rules.Breach("no_show", "warn", f"预约开始 {late} 分钟后仍未签到")]
    offset = ctx.rng.uniform(-8, 8) if kind != "late" else ctx.rng.uniform(20, 55)
    distance = ctx.rng.uniform(5, 120) if kind != "far_in" else ctx.rng.uniform(400, 1500)
    checked_in = start + dt.timedelta(minutes=offset)
    served = minutes * (ctx.rng.uniform(1.0, 1.15) if kind != "short" else ctx.rng.uniform(0.35, 0.7))
    checked_out = checked_in + dt.timedelta(minutes=served)
    order.checked_in_at = order.checkin_received_at = checked_in
    order.checkin_distance_m = round(distance)
    order.confirm_code = f"{ctx.rng.randint(0, 999_999):06d}"
    found = rules.check_in(rule, scheduled_start=start, at=checked_in, distance_m=distance) if rule else []
    if checked_out > now:
        order.status = OrderStatus.CHECKED_IN
        return order, found
    order.checked_out_at = order.checkout_received_at = checked_out
    order.checkout_distance_m = round(ctx.rng.uniform(5, 120))
    order.served_minutes = round(served)
    order.photos = rule.photos_required if rule else 0
    if rule:
        found += [
            b
            for b in rules.check_out(
                rule,
                checked_in_at=checked_in,
                scheduled_end=max(end, checked_in + dt.timedelta(minutes=minutes)),
                at=checked_out,
                distance_m=order.checkout_distance_m,
                photos=order.photos,
            )
            if b.kind != "early"
        ]
    if checked_out > now - dt.timedelta(hours=3):
        order.status = OrderStatus.CHECKED_OUT
        return order, found
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = checked_out + dt.timedelta(minutes=ctx.rng.randint(2, 90))
    order.confirmed_via = ctx.rng.choice((ConfirmVia.CODE, ConfirmVia.SIGNATURE, ConfirmVia.FAMILY))
    if ctx.rng.random() < 0.6:
        order.status = OrderStatus.RATED
        order.rating = ctx.rng.choices((5, 4, 3, 2, 1), weights=(60, 28, 8, 3, 1))[0]
        order.rated_at = order.confirmed_at + dt.timedelta(hours=ctx.rng.randint(1, 30))
        if order.rating <= 2:
            found.append(rules.Breach("low_rating", "warn", f"家属评分 {order.rating} 星"))
    return order, found


# The demo caregiver's day: (local start time, item code), about eight jobs as journey 4 describes.
CARE_DAY = [
    ("08:00", "JS-PB"),
    ("09:00", "SH-ZY"),
    ("09:00", "SH-ZJ"),
    ("10:30", "JC-SMHL"),
    ("13:30", "SH-ZY"),
    ("14:30", "TF-TF"),
    ("15:30", "WT-DG"),
    ("16:30", "SH-XY"),
]


@demo.step("care_day", needs=("service_orders",))
def seed_care_day(ctx: demo.SeedContext) -> None:
    """护理员 刘芳 (demo account ``caregiver``) gets a caregiver row and eight accepted orders for the day the demo
    is seeded, for people in her company's service area; self-paid at demo prices, the same every run."""
    user = User.objects.filter(username="caregiver").first()
    if user is None or user.organisation_id is None:
        ctx.log("今日工单：没有演示护理员账号，跳过")
        return
    provider = user.organisation
    caregiver, _ = Caregiver.objects.unscoped(reason="demo seed").get_or_create(
        user=user,
        defaults={
            "provider": provider,
            "region_id": provider.region_id,
            "name": "刘芳",
            "skills": ["general", "care_worker"],
        },
    )
    today = timezone.localdate()
    orders = ServiceOrder.objects.unscoped(reason="demo seed")
    if orders.filter(client_key__startswith=f"demo-care-{today:%Y%m%d}-").exists():
        ctx.log("今日工单：已有，跳过")
        return
    offerings = {
        o.item.code: o
        for o in ServiceOffering.objects.unscoped(reason="demo seed")
        .filter(provider=provider, active=True)
        .select_related("item")
    }
    street = provider.region_id[:9]
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(
            region__gte=street + "000",
            region__lt=street + "999",
            status=ElderStatus.ACTIVE,
            lat__isnull=False,
        )
        .order_by("pk")[: len(CARE_DAY)]
    )
    made = 0
    with transaction.atomic():
        for n, ((clock, code), person) in enumerate(zip(CARE_DAY, people, strict=False)):
            offering = offerings.get(code)
            if offering is None:
                continue
            hour, minute = (int(part) for part in clock.split(":"))
            start = timezone.make_aware(dt.datetime.combine(today, dt.time(hour, minute)))
            minutes = offering.item.standard_minutes
            ServiceOrder.objects.create(
                client_key=f"demo-care-{today:%Y%m%d}-{n}",
                elder=person,
                region_id=person.region_id,
                provider=provider,
                offering=offering,
                item=offering.item,
                quantity=Decimal(1),
                scheduled_start=start,
                scheduled_end=start + dt.timedelta(minutes=minutes),
                unit_price=offering.price,
                self_pay_yuan=offering.price,
                status=OrderStatus.ACCEPTED,
                caregiver=caregiver,
                channel=Channel.ADVISOR,
                placed_by=user,
                note="演示工单",
            )
            made += 1
    ctx.stats["care_day"] = made
    ctx.log(f"今日工单：护理员 刘芳 {made} 单（演示数据）")


@demo.step("services_family", needs=("service_orders",))
def seed_family(ctx: demo.SeedContext) -> None:
    """Journey 3: the demo account ``family`` (家属 张晓梅) is linked to her father, an 80+ person living alone
    in 天平路街道 with a monthly allowance, and a plan brings 助浴 every Tuesday and Friday at 9:00."""
    daughter = User.objects.filter(username="family").first()
    if daughter is None or FamilyLink.objects.unscoped(reason="demo seed").filter(user=daughter).exists():
        ctx.log("家属演示：已有或缺少家属账号，跳过")
        return
    today = timezone.localdate()
    father = (
        Elder.objects.unscoped(reason="demo seed")
        .filter(
            region__gte="310104003000",
            region__lt="310104004000",
            status="active",
            **groups.BY_CODE["oldest_old"].lookups(today),
            living_arrangement="alone",
        )
        .order_by("pk")
        .first()
    )
    bath = (
        ServiceOffering.objects.unscoped(reason="demo seed")
        .filter(item__code="SH-ZY", active=True, areas__code="310104003000")
        .order_by("pk")
        .first()
    )
    if father is None or bath is None:
        ctx.log("家属演示：天平路街道没有高龄独居老人或助浴服务，跳过")
        return
    officer = User.objects.filter(username="tianping").first()

    with transaction.atomic():
        people_services.family_link(actor=officer, elder_id=father.pk, username="family", relation="daughter")
        if not ServicePlan.objects.unscoped(reason="demo seed").filter(elder=father).exists():
            services.plan_create(
                actor=daughter,
                elder_id=father.pk,
                offering_id=bath.pk,
                weekdays=[2, 5],
                start_time=dt.time(9, 0),
            )
    placed = services.plan_generate(days_ahead=14)["placed"]
    ctx.stats["family_orders"] = placed
    ctx.log(f"家属演示：张晓梅已绑定父亲{father.name}，每周二、周五 9:00 助浴，已生成 {placed} 个预约")


@demo.step("settlements", needs=("care_day",))
def seed_settlements(ctx: demo.SeedContext) -> None:
    """Journey 8's statement: the demo home-service company's month before last is approved (its exceptions
    allowed by the street after checking), last month's is submitted and waits for the street's check."""
    manager = User.objects.filter(username="homecare").first()
    district = User.objects.filter(username="xuhui_admin").first()
    if manager is None or district is None or manager.organisation is None:
        ctx.log("结算演示：缺少演示账号，跳过")
        return
    if Settlement.objects.unscoped(reason="demo seed").filter(provider=manager.organisation).exists():
        ctx.log("结算演示：已有，跳过")
        return
    street = (
        User.objects.filter(role=Role.GOVERNMENT, regions__code=manager.organisation.region_id[:9] + "000")
        .order_by("pk")
        .first()
    )
    if street is None:
        ctx.log("结算演示：机构所在街道没有演示账号，跳过")
        return
    first = timezone.localdate().replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    before = (last_month - dt.timedelta(days=1)).replace(day=1)
    with transaction.atomic():
        for month, approve in ((before, True), (last_month, False)):
            made = services.settlement_prepare(
                actor=manager, provider_id=manager.organisation_id, month=month
            )
            for exception in SettlementException.objects.unscoped(reason="demo seed").filter(settlement=made):
                services.settlement_decide_exception(
                    actor=street, exception_id=exception.pk, decision="allowed", note="演示：已电话核实"
                )
            services.settlement_submit(actor=manager, settlement_id=made.pk)
            if approve:
                services.settlement_check(actor=street, settlement_id=made.pk)
                services.settlement_approve(actor=district, settlement_id=made.pk)
    ctx.log(f"结算演示：{manager.organisation.name} {before:%Y年%m月}已批准，{last_month:%Y年%m月}待街道审核")
