"""Demo facilities for the Xuhui profile: every service organisation's facility, and the institutions' bed
register — 57 institutions (14 长者照护之家) with 6,829 beds as in 2019 (seed 004), typed, with the demo's
institution residents admitted. The network is not scaled; at small ``--scale`` there are few residents, so
most beds stand empty. Deterministic; idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.core import demo
from yanglao.core.models import Organisation
from yanglao.core.services import audit_batch_record
from yanglao.facilities.models import Bed, BedStay, Facility
from yanglao.people.models import Elder

KINDS = {
    "institution": "institution",
    "elder_care_home": "elder_care_home",
    "community_centre": "community_centre",
    "day_care": "day_care",
    "meal_site": "meal_site",
    "canteen": "canteen",
    "advisor_point": "advisor_point",
    "nursing_station": "nursing_station",
    "health_centre": "health_centre",
}
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


def _bed_sizes(rng, homes: int, institutions: int) -> list[int]:
    """长者照护之家 have 20–49 beds; institutions share the rest of 6,829 in varied sizes."""
    small = [rng.randint(20, 49) for _ in range(homes)]
    weights = [rng.uniform(0.4, 2.5) for _ in range(institutions)]
    rest = TOTAL_BEDS - sum(small)
    large = [int(rest * w / sum(weights)) for w in weights]
    large[0] += rest - sum(large)
    return small + large


@demo.step("facilities")
def seed_facilities(ctx: demo.SeedContext) -> None:
    if Facility.objects.unscoped(reason="demo seed").exists():
        ctx.log("养老设施：已有，跳过")
        return
    rng = ctx.rng
    orgs = list(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", kind__in=list(KINDS), lat__isnull=False)
        .order_by("pk")
    )
    with transaction.atomic():
        facilities = Facility.objects.bulk_create(
            [
                Facility(
                    name=o.name,
                    kind=KINDS[o.kind],
                    operator=o,
                    operating_model=o.ownership,
                    region_id=o.region_id,
                    address=o.address,
                    lat=o.lat,
                    lng=o.lng,
                    phone=o.contact_phone,
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
                for o in orgs
            ]
        )
        homes = [f for f in facilities if f.kind == "elder_care_home"]
        institutions = [f for f in facilities if f.kind == "institution"]
        beds = []
        for place, size in zip(
            homes + institutions, _bed_sizes(rng, len(homes), len(institutions)), strict=True
        ):
            kinds = rng.choices([k for k, _ in BED_MIX], weights=[w for _, w in BED_MIX], k=size)
            beds += [
                Bed(
                    facility=place,
                    building=f"{1 + n // 60}号楼",
                    room=f"{1 + n // 60}{(n % 60) // 3 + 1:02d}",
                    number=str(n % 3 + 1),
                    bed_type=kind,
                )
                for n, kind in enumerate(kinds)
            ]
        beds = Bed.objects.bulk_create(beds, batch_size=5000)
        residents = list(
            Elder.objects.unscoped(reason="demo seed")
            .filter(
                region__gte=demo.XUHUI,
                region__lt="310105000000",
                status="active",
                living_arrangement="institution",
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rng.shuffle(beds)
        today = timezone.localdate()
        stays = []
        for bed, elder_id in zip(beds, residents, strict=False):
            bed.occupant_id, bed.occupied_since = elder_id, today - dt.timedelta(days=rng.randint(1, 1500))
            stays.append(BedStay(bed=bed, elder_id=elder_id, admitted_on=bed.occupied_since))
        Bed.objects.unscoped(reason="demo seed").bulk_update(
            [s.bed for s in stays], ["occupant", "occupied_since"], batch_size=2000
        )
        BedStay.objects.bulk_create(stays, batch_size=5000)
        audit_batch_record(
            actor=None,
            action="facility.seed",
            model=Facility,
            count=len(facilities),
            detail={"beds": len(beds), "occupied": len(stays)},
        )
    ctx.stats["facilities"] = len(facilities)
    ctx.log(f"养老设施：{len(facilities)} 处，床位 {len(beds)} 张，入住 {len(stays)} 人")
