"""Demo offerings for the Xuhui profile: what each kind of provider sells, at demo prices (not official
prices), with government-purchased items at a lower contracted price; each serves its own street."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yanglao.core import demo
from yanglao.core.models import Organisation, Region
from yanglao.services.models import ServiceItem, ServiceOffering

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


# A demo list so that the demo's people have an allowance to spend (demo values, not an official list).
DEMO_LIST_TITLE = "徐汇区基本养老服务清单（演示数据，未经官方文本核实）"


@demo.step("services_family", needs=("services", "accounts", "people"))
def seed_family(ctx: demo.SeedContext) -> None:
    """Journey 3: the demo account ``family`` (家属 张晓梅) is linked to her father, an 80+ person living alone
    in 天平路街道 with a monthly allowance, and a plan brings 助浴 every Tuesday and Friday at 9:00."""
    import datetime as dt

    from django.utils import timezone

    from yanglao.core.models import User
    from yanglao.people import groups
    from yanglao.people.models import Elder, FamilyLink
    from yanglao.services import services
    from yanglao.services.models import BasicServiceList, BasicServiceListRow, ServicePlan

    daughter = User.objects.filter(username="family").first()
    if daughter is None or FamilyLink.objects.unscoped(reason="demo seed").filter(user=daughter).exists():
        ctx.log("家属演示：已有或缺少家属账号，跳过")
        return
    lists = BasicServiceList.objects.unscoped(reason="demo seed")
    if not lists.filter(region_id=demo.XUHUI).exists():
        service_list = lists.create(
            region_id=demo.XUHUI, title=DEMO_LIST_TITLE, effective_from=dt.date(2024, 1, 1), confirmed=False
        )
        BasicServiceListRow.objects.create(
            service_list=service_list,
            position=1,
            category="care",
            name="高龄独居老人居家照护服务（演示）",
            item=ServiceItem.objects.filter(code="SH-ZY").first(),
            target_groups=["oldest_old", "living_alone"],
            monthly_hours=Decimal("6"),
            payer="government",
        )
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
    from yanglao.people import services as people_services

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
