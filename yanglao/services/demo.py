"""Demo offerings for the Xuhui profile: what each kind of provider sells, at demo prices (not official
prices), with government-purchased items at a lower contracted price; each serves its own street."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yanglao.core import demo
from yanglao.core.models import Organisation, Region, User
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services.choices import Channel, OrderStatus
from yanglao.services.models import Caregiver, ServiceItem, ServiceOffering, ServiceOrder

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


@demo.step("care_day", needs=("services", "accounts", "people"))
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
