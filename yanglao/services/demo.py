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
