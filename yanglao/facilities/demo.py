"""Demo facilities for the Xuhui profile: every service organisation's facility, an activity room (睦邻点/
老年活动室) in most residents' committees, and the bed register — 57 institutions (14 长者照护之家) with
6,829 beds at scale 1 as in 2019 (seed 004), plus day-care places. Beds scale with the population like the
residents who fill them, so occupancy is realistic at any ``--scale`` (decision 22). Deterministic; idempotent.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yanglao.core import demo
from yanglao.core.models import Organisation, Region
from yanglao.core.services import audit_batch_record
from yanglao.facilities import services
from yanglao.facilities.models import Bed, BedStay, Facility
from yanglao.people.models import Elder

# Organisation kinds that run a facility of the same kind (the two enumerations share these values).
FACILITY_KINDS = (
    "institution",
    "elder_care_home",
    "community_centre",
    "day_care",
    "meal_site",
    "canteen",
    "advisor_point",
    "nursing_station",
    "health_centre",
)
TOTAL_BEDS = 6_829
HOURS = {
    "canteen": "10:30–13:00，16:30–18:30",
    "meal_site": "10:30–12:30",
    "day_care": "08:00–17:00",
    "community_centre": "08:30–17:30",
    "advisor_point": "09:00–17:00",
}
SERVICES = {
    "day_care": ["日间照护", "助浴", "康复训练", "文娱活动"],
    "community_centre": ["养老顾问", "助餐", "日间照护", "康复"],
    "canteen": ["堂食", "送餐"],
    "meal_site": ["堂食"],
    "institution": ["长期照护", "认知症照护", "短期托养"],
    "elder_care_home": ["长期照护", "短期托养", "喘息服务"],
}
BED_MIX = [("nursing", 0.60), ("inclusive", 0.12), ("cognitive", 0.08), ("medical", 0.05), ("ordinary", 0.15)]


ACTIVITY_ROOMS = 305
SNAPSHOT_DAYS = 90
FAMILY_BEDS = 600  # 家庭照护床位 at scale 1, run by the institutions of the same street
DAY_CARE_PLACES = (15, 40)
FLOOR_AREA = {  # m² ranges by kind; institutions get theirs from their beds
    "community_centre": (1200, 3000),
    "day_care": (300, 800),
    "canteen": (150, 500),
    "meal_site": (60, 200),
    "advisor_point": (20, 60),
    "health_centre": (150, 400),
    "nursing_station": (100, 300),
    "neighbourhood_point": (30, 150),
}


def bed_sizes(rng, homes: int, institutions: int, scale: float) -> list[int]:
    """长者照护之家 have 20–49 beds and institutions share the rest of 6,829 in varied sizes (scale 1);
    smaller demos keep every facility but scale its beds, at least two each (buildings keep their
    scale-1 floor area)."""
    small = [rng.randint(20, 49) for _ in range(homes)]
    weights = [rng.uniform(0.4, 2.5) for _ in range(institutions)]
    rest = TOTAL_BEDS - sum(small)
    large = [int(rest * w / sum(weights)) for w in weights]
    large[0] += rest - sum(large)
    sizes = small + large
    return sizes if scale >= 1 else [max(2, round(n * scale)) for n in sizes]


def _facility(rng, o: Organisation) -> Facility:
    low_high = FLOOR_AREA.get(o.kind)
    if o.kind == "health_centre" and o.name.endswith("中心"):
        low_high = (2000, 6000)
    return Facility(
        name=o.name,
        kind=o.kind,
        operator=o,
        operating_model=o.ownership,
        region_id=o.region_id,
        address=o.address,
        lat=o.lat,
        lng=o.lng,
        phone=o.contact_phone,
        floor_area=rng.randint(*low_high) if low_high else None,
        opening_hours=HOURS.get(o.kind, "全天"),
        services=SERVICES.get(o.kind, []),
        meal_capacity=rng.choice([80, 120, 150, 200])
        if o.kind == "canteen"
        else (rng.choice([30, 50, 60]) if o.kind == "meal_site" else None),
        open_to_community=o.kind in ("institution", "elder_care_home") and rng.random() < 0.9,
        star_level=rng.choice([None, 1, 2, 3, 3, 4, 5]) if o.kind == "institution" else None,
        licence_no=o.licence_no,
        licence_expiry=o.licence_expiry,
    )


def _activity_rooms(ctx: demo.SeedContext) -> list[Facility]:
    """Activity rooms run by the street offices in their committees: most have one, some two, some none."""
    rng = ctx.rng
    offices = dict(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind="government")
        .values_list("region", "pk")
    )
    committees = list(
        Region.objects.filter(
            code__gte=demo.XUHUI, code__lt="310105000000", level="village", lat__isnull=False
        )
    )
    if not committees or not offices:
        return []
    centres = demo.region_centres()
    rooms = []
    for n in range(ACTIVITY_ROOMS):
        community = committees[n] if n < len(committees) * 0.85 else rng.choice(committees)
        street = community.parent_id
        if street not in offices:
            continue
        name = community.name.removesuffix("居委会").removesuffix("居民委员会")
        label = rng.choice(["睦邻点", "老年活动室"])
        lat, lng = demo.place(ctx, centres, community.code)
        rooms.append(
            Facility(
                name=f"{name}{label}" if n < len(committees) * 0.85 else f"{name}{label}（{n}）",
                kind="neighbourhood_point",
                operator_id=offices[street],
                operating_model="public",
                region_id=community.code,
                address=f"上海市徐汇区{demo.XUHUI_STREETS[street][0]}{name}活动室",
                lat=lat,
                lng=lng,
                floor_area=rng.randint(*FLOOR_AREA["neighbourhood_point"]),
                opening_hours="08:30–11:30，13:30–16:30",
                services=["文娱活动", "健康讲座", "助老服务"],
                open_to_community=True,
            )
        )
    return rooms


@demo.step("facilities", needs=("organisations", "people"))
def seed_facilities(ctx: demo.SeedContext) -> None:
    if Facility.objects.unscoped(reason="demo seed").exists():
        ctx.log("养老设施：已有，跳过")
        return
    rng = ctx.rng
    orgs = list(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind__in=FACILITY_KINDS, lat__isnull=False)
        .order_by("pk")
    )
    with transaction.atomic():
        facilities = Facility.objects.bulk_create([_facility(rng, o) for o in orgs] + _activity_rooms(ctx))
        homes = [f for f in facilities if f.kind == "elder_care_home"]
        institutions = [f for f in facilities if f.kind == "institution"]
        sizes = bed_sizes(rng, len(homes), len(institutions), ctx.scale)
        full = bed_sizes(random.Random(ctx.seed), len(homes), len(institutions), 1)
        for place, size in zip(homes + institutions, full, strict=True):
            place.floor_area = size * rng.randint(25, 45)
        Facility.objects.unscoped(reason="demo seed").bulk_update(homes + institutions, ["floor_area"])
        residential = _beds(rng, zip(homes + institutions, sizes, strict=True), BED_MIX)
        day_care = [f for f in facilities if f.kind == "day_care"]
        places = [max(2, round(rng.randint(*DAY_CARE_PLACES) * min(ctx.scale, 1))) for _ in day_care]
        day_beds = _beds(rng, zip(day_care, places, strict=True), [("ordinary", 0.7), ("nursing", 0.3)])
        Bed.objects.bulk_create(residential + day_beds, batch_size=5000)
        stays = _admit(ctx, residential, "institution", share=1.0)
        stays += _admit(ctx, day_beds, "with_children", share=0.6)
        family = _family_beds(ctx, homes + institutions)
        stays += family
        today = timezone.localdate()
        for back in range(SNAPSHOT_DAYS, 0, -1):  # the trend a running system would have gathered
            services.occupancy_snapshot_take(date=today - dt.timedelta(days=back))
        audit_batch_record(
            actor=None,
            action="facility.seed",
            model=Facility,
            count=len(facilities),
            detail={"beds": len(residential) + len(day_beds) + len(family), "occupied": len(stays)},
        )
    ctx.stats["facilities"] = len(facilities)
    ctx.log(
        f"养老设施：{len(facilities)} 处，机构床位 {len(residential)} 张，日间照料床位 {len(day_beds)} 张，"
        f"家庭养老床位 {len(family)} 张，入住 {len(stays)} 人"
    )


def _beds(rng, sized, mix) -> list[Bed]:
    beds = []
    for place, size in sized:
        kinds = rng.choices([k for k, _ in mix], weights=[w for _, w in mix], k=size)
        beds += [
            Bed(
                facility=place,
                building=f"{1 + n // 60}号楼",
                room=f"{1 + n // 60}{(n % 60) // 3 + 1:02d}",
                number=str(n % 3 + 1),
                bed_type=kind,
                region_id=place.region_id,
                operator_id=place.operator_id,
            )
            for n, kind in enumerate(kinds)
        ]
    return beds


def _admit(ctx: demo.SeedContext, beds: list[Bed], living: str, share: float) -> list[BedStay]:
    """Fill up to ``share`` of the beds with active demo elders of the given living arrangement who lie in
    no bed yet; stays began up to four years ago (day care: up to a year)."""
    rng = ctx.rng
    taken = Bed.objects.unscoped(reason="demo seed").filter(occupant__isnull=False).values("occupant")
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", status="active", living_arrangement=living)
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    free = list(beds)
    rng.shuffle(free)
    free = free[: round(len(free) * share)]
    today = timezone.localdate()
    days = 1500 if living == "institution" else 365
    stays = []
    for bed, elder_id in zip(free, people, strict=False):
        bed.occupant_id, bed.occupied_since = elder_id, today - dt.timedelta(days=rng.randint(1, days))
        stays.append(
            BedStay(
                bed=bed,
                elder_id=elder_id,
                admitted_on=bed.occupied_since,
                region_id=bed.region_id,
                operator_id=bed.operator_id,
            )
        )
    Bed.objects.unscoped(reason="demo seed").bulk_update(
        [s.bed for s in stays], ["occupant", "occupied_since"], batch_size=2000
    )
    BedStay.objects.bulk_create(stays, batch_size=5000)
    return stays


def _family_beds(ctx: demo.SeedContext, providers: list[Facility]) -> list[BedStay]:
    """Family care beds at the homes of people living alone or with a spouse, each served by an institution
    or 长者照护之家 of the person's street; the person lies in it from its first day."""
    rng = ctx.rng
    by_street: dict[str, list[Facility]] = {}
    for place in providers:
        by_street.setdefault(place.region_id[:9], []).append(place)
    taken = Bed.objects.unscoped(reason="demo seed").filter(occupant__isnull=False).values("occupant")
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(
            region__gte=demo.XUHUI,
            region__lt="310105000000",
            status="active",
            living_arrangement__in=["alone", "spouse_only"],
        )
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", "region")
    )
    rng.shuffle(people)
    today = timezone.localdate()
    beds, stays = [], []
    for elder_id, region in people:
        if len(beds) >= round(FAMILY_BEDS * ctx.scale):
            break
        if region[:9] not in by_street:
            continue
        since = today - dt.timedelta(days=rng.randint(1, 700))
        provider = rng.choice(by_street[region[:9]])
        bed = Bed(
            facility=provider,
            building="家庭养老床位",
            room="",
            number=f"{len(beds) + 1:03d}",
            bed_type="nursing",
            family_bed=True,
            home_elder_id=elder_id,
            occupant_id=elder_id,
            occupied_since=since,
            region_id=region,  # the home's community
            operator_id=provider.operator_id,
        )
        beds.append(bed)
        stays.append(
            BedStay(
                bed=bed,
                elder_id=elder_id,
                admitted_on=since,
                region_id=region,
                operator_id=provider.operator_id,
            )
        )
    Bed.objects.bulk_create(beds)
    BedStay.objects.bulk_create(stays)
    return stays
