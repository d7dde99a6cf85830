"""Demo people for the Xuhui profile (PRODUCT.md, seed 004, end of 2019), sized by ``--scale``.

At scale 1: 320,100 people aged 60+, 59,800 of them 80+, 13,800 living alone and 78,300 in all-elderly
households (the alone included, as Shanghai counts them), spread over the 13 streets by weight.
Names, ID numbers, phones and addresses are synthetic; ID numbers are valid under GB 11643.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.core import demo, idcard
from yanglao.core.crypto import blind_index
from yanglao.core.models import Region
from yanglao.core.services import audit_batch_record
from yanglao.people.choices import EventSource
from yanglao.people.models import Elder, EmergencyContact, Household, LifeEvent
from yanglao.people.names import pinyin_of

XUHUI_2019 = {"total": 320_100, "80+": 59_800, "alone": 13_800, "all_elderly": 78_300}
# Share of each age band among people 60+ (80+ = 59,800 / 320,100 = 18.7 %).
AGE_BANDS = [(60, 70, 0.450), (70, 80, 0.363), (80, 90, 0.150), (90, 100, 0.035), (100, 104, 0.002)]
ECONOMIC = [
    ("extreme_poverty", 0.002),
    ("dibao", 0.015),
    ("near_dibao", 0.010),
    ("low_income", 0.020),
    ("general", 0.953),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "国建明德志华永文金根宝林海荣伟正兴福庆祥平兆昌耀忠良松柏鸿"
GIVEN_FEMALE = "秀英兰珍芳玉凤华美丽娟萍琴梅霞桂敏静雅惠婉月菊翠巧云素"
RELATIONS = ["儿子", "女儿", "儿媳", "女婿", "侄子", "外甥女", "邻居", "孙子", "孙女"]
OTHER_HUKOU = ["310101", "310104", "310104", "310104", "310105", "310106", "310112", "320102", "330102"]


def _name(rng, male: bool) -> str:
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.8 else "")
    return rng.choice(SURNAMES) + given


def _age_bands(rng, target: int, scale: float) -> list[tuple[int, int]]:
    """One (low, high) age band per person: exactly round(59,800 × scale) aged 80+, the rest by share."""
    oldest = round(XUHUI_2019["80+"] * scale)
    young = [b for b in AGE_BANDS if b[0] < 80]
    old = [b for b in AGE_BANDS if b[0] >= 80]
    bands = [b[:2] for b in rng.choices(old, weights=[w for *_, w in old], k=oldest)]
    bands += [b[:2] for b in rng.choices(young, weights=[w for *_, w in young], k=target - oldest)]
    rng.shuffle(bands)
    return bands


def _birth(rng, today: dt.date, band: tuple[int, int]) -> dt.date:
    """A birth date whose age today lies in [low, high)."""
    low, high = band
    latest = (
        today.replace(year=today.year - low)
        if (today.month, today.day) != (2, 29)
        else today.replace(year=today.year - low, day=28)
    )
    return latest - dt.timedelta(days=rng.randint(0, (high - low) * 365 - 2))


def _phone(rng) -> str:
    roll = rng.random()
    if roll < 0.7:
        return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
    if roll < 0.9:
        return f"021-{rng.randint(5400, 6499)}{rng.randint(0, 9999):04d}"
    return ""


@demo.step("people", needs=("regions",))
def seed_people(ctx: demo.SeedContext) -> None:
    target = round(XUHUI_2019["total"] * ctx.scale)
    existing = Elder.objects.unscoped(reason="demo seed").filter(
        region__gte=demo.XUHUI, region__lt="310105000000"
    )
    if existing.count() >= target:
        ctx.log(f"老年人：已有 {existing.count()} 人，跳过")
        return
    rng, today = ctx.rng, timezone.localdate()
    committees: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(
        code__gte=demo.XUHUI, code__lt="310105000000", level="village"
    ).values_list("code", "parent_id"):
        committees.setdefault(parent, []).append(code)
    streets = [c for c in demo.XUHUI_STREETS if committees.get(c)]
    weights = [demo.XUHUI_STREETS[c][3] for c in streets]
    alone = round(XUHUI_2019["alone"] * ctx.scale)
    couples = round((XUHUI_2019["all_elderly"] - XUHUI_2019["alone"]) * ctx.scale / 2)
    institution = round(target * 0.02)
    used_ids: set[str] = set()
    people: list[dict] = []

    bands = iter(_age_bands(rng, target, ctx.scale))
    centres = demo.region_centres()

    def person(region: str, living: str, male: bool, address: str, household: str | None) -> dict:
        birth = _birth(rng, today, next(bands))
        while True:
            sequence = rng.randrange(0, 999, 2) + (1 if male else 0)
            number = idcard.make(rng.choice(OTHER_HUKOU), birth, sequence)
            if number not in used_ids:
                used_ids.add(number)
                break
        lat, lng = demo.place(ctx, centres, region)
        grade = rng.choice([1, 2, 3, 4]) if rng.random() < 0.05 else None
        return {
            "name": _name(rng, male),
            "id_number": number,
            "phone": _phone(rng),
            "address": address,
            "region": region,
            "living": living,
            "household": household,
            "lat": lat,
            "lng": lng,
            "economic": rng.choices([e for e, _ in ECONOMIC], weights=[w for _, w in ECONOMIC])[0],
            "fp": rng.choice(["lost_only_child", "only_child_disabled"]) if rng.random() < 0.005 else "",
            "disability": (rng.choice(["visual", "hearing", "physical", "mental", "multiple"]), grade)
            if grade
            else ("", None),
            "insurance": rng.choices(["employee", "resident", "public"], weights=[70, 27, 3])[0],
            "doctor": rng.random() < 0.6,
            "local": rng.random() < 0.93,
            "contacts": [
                (
                    _name(rng, rng.random() < 0.5),
                    rng.choice(RELATIONS),
                    _phone(rng) or "13800000000",
                    rng.random() < 0.4,
                )
                for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))
            ],
        }

    def place() -> tuple[str, str]:
        street = rng.choices(streets, weights=weights)[0]
        region = rng.choice(committees[street])
        address = (
            f"上海市徐汇区{demo.XUHUI_STREETS[street][0]}{rng.randint(1, 999)}弄{rng.randint(1, 60)}号"
            f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        )
        return region, address

    household_no = 0
    for _ in range(couples):
        region, address = place()
        household_no += 1
        people.append(person(region, "spouse_only", True, address, f"D{household_no:07d}"))
        people.append(person(region, "spouse_only", False, address, f"D{household_no:07d}"))
    for living, count in (("alone", alone), ("institution", institution)):
        for _ in range(count):
            region, address = place()
            people.append(person(region, living, rng.random() < 0.35, address, None))
    while len(people) < target:
        region, address = place()
        living = "with_children" if rng.random() < 0.97 else "other"
        people.append(person(region, living, rng.random() < 0.46, address, None))
    rng.shuffle(people)
    created = _insert(people[: max(0, target - existing.count())])
    ctx.stats["elders"] = created
    ctx.log(f"老年人：新增 {created} 人（目标 {target}）")


def _insert(people: list[dict]) -> int:
    known = set(Elder.objects.unscoped(reason="demo seed").values_list("id_hash", flat=True))
    households: dict[tuple[str, str], Household] = {}
    total = 0
    for start in range(0, len(people), 5000):
        chunk = [p for p in people[start : start + 5000] if blind_index(p["id_number"]) not in known]
        with transaction.atomic():
            wanted = {(p["region"], p["household"]) for p in chunk if p["household"]}
            fresh = [Household(region_id=r, number=n) for r, n in wanted if (r, n) not in households]
            for h in Household.objects.bulk_create(fresh):
                households[(h.region_id, h.number)] = h
            elders = []
            for p in chunk:
                full, initials = pinyin_of(p["name"])
                number = p["id_number"]
                elders.append(
                    Elder(
                        name=p["name"],
                        name_pinyin=full,
                        name_initials=initials,
                        id_number=number,
                        id_hash=blind_index(number),
                        id_last4=number[-4:],
                        gender="M" if idcard.is_male(number) else "F",
                        birth_date=idcard.birth_date(number),
                        phone=p["phone"],
                        phone_hash=blind_index(p["phone"]) if p["phone"] else "",
                        address=p["address"],
                        registered_address=p["address"],
                        region_id=p["region"],
                        lat=p["lat"],
                        lng=p["lng"],
                        household=households.get((p["region"], p["household"])),
                        living_arrangement=p["living"],
                        economic_status=p["economic"],
                        family_planning_special=p["fp"],
                        disability_category=p["disability"][0],
                        disability_grade=p["disability"][1],
                        medical_insurance=p["insurance"],
                        family_doctor_signed=p["doctor"],
                        local_hukou=p["local"],
                    )
                )
            elders = Elder.objects.bulk_create(elders, batch_size=2000)
            EmergencyContact.objects.bulk_create(
                [
                    EmergencyContact(
                        elder_id=e.pk,
                        position=n,
                        name=c[0],
                        relation=c[1],
                        phone=c[2],
                        phone_hash=blind_index(c[2]),
                        has_key=c[3],
                    )
                    for e, p in zip(elders, chunk, strict=True)
                    for n, c in enumerate(p["contacts"], start=1)
                ],
                batch_size=5000,
            )
            LifeEvent.objects.bulk_create(
                [
                    LifeEvent(
                        elder_id=e.pk,
                        kind="registered",
                        date=timezone.localdate(),
                        source=EventSource.IMPORT,
                        note="演示数据",
                    )
                    for e in elders
                ],
                batch_size=5000,
            )
            total += len(elders)
    if total:
        with transaction.atomic():
            audit_batch_record(
                actor=None, action="elder.seed", model=Elder, count=total, detail={"profile": "xuhui"}
            )
    return total
