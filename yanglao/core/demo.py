"""The demo data generator behind ``yanglao seed``: a synthetic district modelled on Xuhui (seed 004).

Steps are registered per app, each naming the steps whose data it reads, and run in ``INSTALLED_APPS`` order
with one shared context, so later modules add their data (people, assessments, facilities …) to the same
command. ``run(steps=[...])`` (``yanglao seed --steps``) runs only the named steps and those they need, so a
test seeds no more than it reads. Deterministic for a given ``--seed`` (each step draws from its own random
stream, so a step's data does not depend on which unrelated steps ran before it); idempotent: a second run
adds only what is missing. ``scale`` sizes the population (1 = 320,100 people aged 60+); the facility and
organisation network is the district's own and is not scaled.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from yanglao.core import creditcode, services
from yanglao.core.choices import OrganisationKind, Ownership, Role
from yanglao.core.models import Organisation, Region, User

DEMO_PASSWORD = "Yanglao2026demo"  # noqa: S105 -- printed by the demo on purpose
XUHUI = "310104000000"
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class SeedContext:
    profile: str
    scale: float  # 1 = the whole district's population
    seed: int
    rng: random.Random
    log: Callable[[str], None]
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, scope)
    stats: dict[str, int] = field(default_factory=dict)


StepFn = Callable[[SeedContext], None]


@dataclass(frozen=True)
class Step:
    name: str
    fn: StepFn
    needs: tuple[str, ...]  # steps whose data this one reads; they run first when it is asked for


STEPS: list[Step] = []


def step(name: str, *, needs: Sequence[str] = ()) -> Callable[[StepFn], StepFn]:
    """Register ``fn`` as the demo step ``name``, run after the steps it ``needs``."""

    def register(fn: StepFn) -> StepFn:
        if name not in [s.name for s in STEPS]:
            STEPS.append(Step(name=name, fn=fn, needs=tuple(needs)))
        return fn

    return register


def _registered() -> list[tuple[str, Step]]:
    """Every registered step with its app's label, in ``INSTALLED_APPS`` order (not import order: a test
    importing one app's demo.py must not move its step first)."""
    from django.apps import apps
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")  # each app's demo.py registers its steps
    configs = list(apps.get_app_configs())

    def app_of(s: Step) -> tuple[int, str]:
        return next(
            ((i, c.label) for i, c in enumerate(configs) if s.fn.__module__.startswith(c.name + ".")),
            (-1, ""),
        )

    ordered = sorted(STEPS, key=lambda s: app_of(s)[0])
    return [(app_of(s)[1], s) for s in ordered]


def plan(steps: Iterable[str] | None = None) -> list[Step]:
    """The steps to run, in order: all of them, or those named (a step's name, or an app's label for all of
    that app's steps) with every step they need, transitively. Unknown names raise ``ValueError``."""
    registered = _registered()
    if isinstance(steps, str):  # one name, not its letters
        steps = [steps]
    by_name = {s.name: s for _, s in registered}
    if steps is None:
        wanted = set(by_name)
    else:
        wanted = set()
        for name in steps:
            chosen = [s.name for app, s in registered if name in (s.name, app)]
            if not chosen:
                known = sorted({*by_name, *(app for app, _ in registered)})
                raise ValueError(f"unknown demo step {name!r}; available: {', '.join(known)}")
            wanted.update(chosen)
    pending = list(wanted)
    while pending:
        for need in by_name[pending.pop()].needs:
            if need in by_name and need not in wanted:
                wanted.add(need)
                pending.append(need)
    order = [s for _, s in registered if s.name in wanted]
    position = {s.name: i for i, s in enumerate(order)}
    for s in order:
        for need in s.needs:  # a mistake in a registration, not bad input
            if position.get(need, len(order)) > position[s.name]:
                raise RuntimeError(f"demo step {s.name!r} needs {need!r}, which is not registered before it")
    return order


def run(
    *,
    profile: str = "xuhui",
    scale: float = 0.05,
    seed: int = 1,
    steps: Iterable[str] | None = None,
    log: Callable[[str], None] = print,
) -> SeedContext:
    """Seed the demo district: every step, or only ``steps`` and what they need (see ``plan``)."""
    if profile != "xuhui":
        raise ValueError(f"unknown profile {profile!r}; available: xuhui")
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    chosen = plan(steps)
    ctx = SeedContext(profile=profile, scale=scale, seed=seed, rng=random.Random(seed), log=log)
    if steps is not None:
        log(f"演示步骤：{'、'.join(s.name for s in chosen)}")
    for s in chosen:
        ctx.rng = random.Random(f"{seed}:{s.name}")  # each step is deterministic on its own
        s.fn(ctx)
    return ctx


def seeded_models() -> list[type]:
    """The tables a seed may write: every model of the project's apps, and the audit log."""
    from auditlog.models import LogEntry
    from django.apps import apps

    project = [c for c in apps.get_app_configs() if c.name.startswith("yanglao.")]
    return [m for c in project for m in c.get_models()] + [LogEntry]


# Approximate centres of Xuhui's streets and towns (WGS-84), for demo coordinates only: generated, not
# surveyed. Relative weights follow the district's shape: older dense streets have more elders.
XUHUI_STREETS = {
    "310104003000": ("天平路街道", 31.2075, 121.4440, 1.0),
    "310104004000": ("湖南路街道", 31.2115, 121.4380, 0.8),
    "310104007000": ("斜土路街道", 31.1965, 121.4560, 1.1),
    "310104008000": ("枫林路街道", 31.1925, 121.4480, 1.1),
    "310104010000": ("长桥街道", 31.1420, 121.4410, 1.2),
    "310104011000": ("田林街道", 31.1730, 121.4200, 1.3),
    "310104012000": ("虹梅路街道", 31.1700, 121.4020, 0.9),
    "310104013000": ("康健新村街道", 31.1610, 121.4230, 1.2),
    "310104014000": ("徐家汇街道", 31.1900, 121.4360, 1.0),
    "310104015000": ("凌云路街道", 31.1530, 121.4260, 1.2),
    "310104016000": ("龙华街道", 31.1720, 121.4500, 1.0),
    "310104017000": ("漕河泾街道", 31.1610, 121.4360, 0.9),
    "310104103000": ("华泾镇", 31.1250, 121.4460, 0.8),
}


def jitter(ctx: SeedContext, lat: float, lng: float, metres: float = 700) -> tuple[float, float]:
    degrees = metres / 111_000
    return round(lat + ctx.rng.uniform(-degrees, degrees), 6), round(
        lng + ctx.rng.uniform(-degrees, degrees), 6
    )


def region_centres() -> dict[str, tuple[float, float]]:
    """Centres of Xuhui's regions that have one (streets; committees once boundaries are generated)."""
    rows = Region.objects.filter(code__gte=XUHUI, code__lt="310105000000", lat__isnull=False)
    return {
        code: (lat, lng)
        for code, lat, lng in rows.values_list("code", "lat", "lng")
        if lat is not None and lng is not None
    }


def place(ctx: SeedContext, centres: dict[str, tuple[float, float]], region_code: str) -> tuple[float, float]:
    """A demo position in a region: near its committee's centre when known, else its street's, else the
    district's."""
    if region_code in centres and region_code[9:] != "000":
        return jitter(ctx, *centres[region_code], metres=250)
    return jitter(ctx, *centres.get(region_code[:9] + "000", (31.1885, 121.4365)))


def demo_credit_code(ctx: SeedContext, authority_type: str, county6: str) -> str:
    body = "".join(ctx.rng.choice(creditcode.ALPHABET) for _ in range(9))
    return creditcode.make(f"{authority_type}{county6}{body}")


@step("regions")
def seed_regions(ctx: SeedContext) -> None:
    if not Region.objects.filter(code=XUHUI).exists():
        result = services.region_load_file(path=DATA / "divisions.csv")
        ctx.log(f"区划：导入 {result.created} 条")
    for code, (_, lat, lng, _) in XUHUI_STREETS.items():
        Region.objects.filter(code=code).update(lat=lat, lng=lng)
    Region.objects.filter(code=XUHUI).update(lat=31.1885, lng=121.4365)
    if not Region.objects.filter(code=XUHUI, boundary__isnull=False).exists():
        _seed_boundaries(ctx)
    services.roles_sync()


XUHUI_POPULATION = 1_113_078  # 常住人口, seventh census (2020)


def _seed_boundaries(ctx: SeedContext) -> None:
    """Generated boundaries, centres and resident population for Xuhui, its streets and committees."""
    from shapely.geometry import Polygon

    from yanglao.core import boundaries

    outline = Polygon(boundaries.XUHUI_OUTLINE)
    codes = list(XUHUI_STREETS)
    cells = boundaries.voronoi_cells(outline, [(XUHUI_STREETS[c][2], XUHUI_STREETS[c][1]) for c in codes])
    weight = sum(w for *_, w in XUHUI_STREETS.values())
    rows = {r.code: r for r in Region.objects.filter(code__gte=XUHUI, code__lt="310105000000")}
    source = "演示生成（非真实边界）"
    district = rows[XUHUI]
    district.boundary, district.boundary_source, district.population = (
        boundaries.geojson(outline),
        source,
        XUHUI_POPULATION,
    )
    for code, cell in zip(codes, cells, strict=True):
        street = rows[code]
        street.boundary, street.boundary_source = boundaries.geojson(cell), source
        street.population = round(XUHUI_POPULATION * XUHUI_STREETS[code][3] / weight)
        committees = sorted((r for r in rows.values() if r.parent_id == code), key=lambda r: r.code)
        if not committees:
            continue
        centres = boundaries.scatter_centres(cell, len(committees), ctx.rng)
        shares = [ctx.rng.uniform(0.6, 1.4) for _ in committees]
        for region, sub, share in zip(
            committees, boundaries.voronoi_cells(cell, centres), shares, strict=True
        ):
            centre = sub.representative_point()
            region.boundary, region.boundary_source = boundaries.geojson(sub), source
            region.lat, region.lng = round(centre.y, 6), round(centre.x, 6)
            region.population = round(street.population * share / sum(shares))
    Region.objects.bulk_update(
        rows.values(), ["boundary", "boundary_source", "population", "lat", "lng"], batch_size=500
    )
    ctx.log(f"区划边界：生成 {sum(1 for r in rows.values() if r.boundary)} 个（演示用，非真实边界）")


# (kind, ownership weights, name pattern, count) — Xuhui at the end of 2019 (PRODUCT.md, seed 004).
NETWORK = [
    (OrganisationKind.INSTITUTION, "{street}第{n}养老院", 43),
    (OrganisationKind.ELDER_CARE_HOME, "{community}长者照护之家", 14),
    (OrganisationKind.DAY_CARE, "{community}日间照料中心", 28),
    (OrganisationKind.MEAL_SITE, "{community}老年助餐点", 80),
    (OrganisationKind.CANTEEN, "{community}社区长者食堂", 27),
    (OrganisationKind.ADVISOR_POINT, "{community}养老顾问点", 29),
    (OrganisationKind.HEALTH_CENTRE, "{community}社区卫生服务站", 76),
    (OrganisationKind.HOME_SERVICE, "徐汇{brand}居家养老服务社（{street}）", 20),
    (OrganisationKind.NURSING_STATION, "徐汇{brand}护理站（{street}）", 11),
]
BRANDS = ["康乐", "福寿", "颐和", "安泰", "乐龄", "仁爱", "怡养", "九如", "松鹤", "长青", "惠民", "和煦"]
OWNERSHIP_BY_KIND = {
    OrganisationKind.INSTITUTION: [
        (Ownership.PUBLIC, 3),
        (Ownership.PRIVATE, 5),
        (Ownership.PUBLIC_PRIVATE, 4),
    ],
    OrganisationKind.HOME_SERVICE: [(Ownership.PRIVATE, 1)],
    OrganisationKind.NURSING_STATION: [(Ownership.PRIVATE, 1)],
}


def _pick_street(ctx: SeedContext) -> str:
    codes = list(XUHUI_STREETS)
    return ctx.rng.choices(codes, weights=[XUHUI_STREETS[c][3] for c in codes])[0]


def _organisation_specs(ctx: SeedContext) -> list[dict]:
    committees: dict[str, list[Region]] = {}
    for region in Region.objects.filter(code__gte="310104000000", code__lt="310105000000", level="village"):
        committees.setdefault(region.parent_id, []).append(region)
    specs = [
        dict(name="徐汇区民政局", kind=OrganisationKind.CIVIL_AFFAIRS, region_code=XUHUI, type_code="11"),
        dict(
            name="徐汇区老年照护统一需求评估中心",
            kind=OrganisationKind.ASSESSMENT_AGENCY,
            region_code=XUHUI,
            type_code="52",
        ),
        dict(
            name="上海市徐汇区962899养老服务热线",
            kind=OrganisationKind.HOTLINE,
            region_code=XUHUI,
            type_code="52",
        ),
    ]
    for code, (street, *_rest) in XUHUI_STREETS.items():
        specs.append(
            dict(
                name=f"{street}办事处社区服务办公室",
                kind=OrganisationKind.GOVERNMENT,
                region_code=code,
                type_code="11",
            )
        )
        specs.append(
            dict(
                name=f"{street}社区综合为老服务中心",
                kind=OrganisationKind.COMMUNITY_CENTRE,
                region_code=code,
                type_code="52",
            )
        )
        specs.append(
            dict(
                name=f"{street.removesuffix('街道').removesuffix('镇')}社区卫生服务中心",
                kind=OrganisationKind.HEALTH_CENTRE,
                region_code=code,
                type_code="12",
            )
        )
    for kind, pattern, count in NETWORK:
        for n in range(1, count + 1):
            street_code = _pick_street(ctx)
            street = XUHUI_STREETS[street_code][0]
            pool = committees.get(street_code) or []
            community = ctx.rng.choice(pool) if pool else None
            community_name = (
                (community.name if community else street).removesuffix("居委会").removesuffix("居民委员会")
            )
            region_code = (
                community.code if community and kind != OrganisationKind.INSTITUTION else street_code
            )
            name = pattern.format(street=street, community=community_name, n=n, brand=ctx.rng.choice(BRANDS))
            copies = sum(1 for spec in specs if spec["name"] == name or spec["name"].startswith(f"{name}（"))
            if copies:  # a second one of a kind in the same place is a branch, as real registers name it
                name = f"{name}（第{copies + 1}分点）"
            specs.append(dict(name=name, kind=kind, region_code=region_code, type_code="52"))
    return specs


@step("organisations", needs=("regions",))
def seed_organisations(ctx: SeedContext) -> None:
    existing = set(
        Organisation.objects.unscoped(reason="demo seed")
        .filter(region__gte=XUHUI, region__lt="310105000000")
        .values_list("region", "name")
    )
    created = 0
    centres = region_centres()
    with transaction.atomic():
        batch = []
        for spec in _organisation_specs(ctx):
            type_code = spec.pop("type_code")
            street_code = spec["region_code"][:9] + "000"
            lat, lng = place(ctx, centres, spec["region_code"])
            kind = spec["kind"]
            weights = OWNERSHIP_BY_KIND.get(kind, [(Ownership.PUBLIC, 2), (Ownership.PUBLIC_PRIVATE, 1)])
            ownership = ctx.rng.choices([o for o, _ in weights], weights=[w for _, w in weights])[0]
            credit = demo_credit_code(ctx, type_code, "310104")
            phone = f"021-{ctx.rng.randint(5400, 6499)}{ctx.rng.randint(0, 9999):04d}"
            if (spec["region_code"], spec["name"]) in existing:
                continue
            existing.add((spec["region_code"], spec["name"]))
            batch.append(
                Organisation(
                    name=spec["name"],
                    kind=kind,
                    ownership=ownership,
                    region_id=spec["region_code"],
                    address=f"上海市徐汇区{XUHUI_STREETS.get(street_code, ('',))[0]}{ctx.rng.randint(1, 999)}号",
                    lat=lat,
                    lng=lng,
                    contact_name=ctx.rng.choice("王李张刘陈杨黄赵吴周")
                    + ctx.rng.choice(["老师", "主任", "经理"]),
                    contact_phone=phone,
                    credit_code=credit,
                    licence_no=f"沪徐民养{ctx.rng.randint(100000, 999999)}"
                    if kind in (OrganisationKind.INSTITUTION, OrganisationKind.ELDER_CARE_HOME)
                    else "",
                )
            )
        Organisation.objects.bulk_create(batch)
        created = len(batch)
        if created:
            services.audit_batch_record(
                actor=None,
                action="organisation.seed",
                model=Organisation,
                count=created,
                detail={"profile": ctx.profile, "seed": ctx.seed},
            )
    ctx.stats["organisations"] = created
    ctx.log(f"组织机构：新增 {created} 个")


def _org_id(name: str) -> int:
    return Organisation.objects.unscoped(reason="demo seed").values_list("pk", flat=True).get(name=name)


DEMO_ACCOUNTS = [
    # (username, full name, role, region codes, organisation name)
    ("xuhui_admin", "徐汇区民政局 林主任", Role.GOV_ADMIN, [XUHUI], None),
    ("tianping", "天平路街道 王科长", Role.GOVERNMENT, ["310104003000"], None),
    ("hunan", "湖南路街道 周科长", Role.GOVERNMENT, ["310104004000"], None),
    ("assessor", "评估员 陈静", Role.ASSESSOR, [XUHUI], "徐汇区老年照护统一需求评估中心"),
    ("provider", "机构管理员 赵敏", Role.PROVIDER, [], "__first_institution__"),
    ("caregiver", "护理员 刘芳", Role.CAREGIVER, [], "__first_home_service__"),
    ("homecare", "居家服务社负责人 钱红", Role.PROVIDER, [], "__first_home_service__"),
    ("operator", "热线坐席 孙浩", Role.OPERATOR, [XUHUI], "上海市徐汇区962899养老服务热线"),
    ("advisor", "养老顾问 吴丽", Role.ADVISOR, ["310104003000"], None),
    ("family", "家属 张晓梅", Role.FAMILY, [], None),
]


@step("accounts", needs=("organisations",))
def seed_accounts(ctx: SeedContext) -> None:
    orgs = Organisation.objects.unscoped(reason="demo seed").filter(
        region__gte=XUHUI, region__lt="310105000000"
    )
    first = {
        "__first_institution__": orgs.filter(kind=OrganisationKind.INSTITUTION).order_by("pk").first(),
        "__first_home_service__": orgs.filter(kind=OrganisationKind.HOME_SERVICE).order_by("pk").first(),
    }
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, full_name="系统管理员")
    ctx.accounts.append(("系统管理员", "admin", "全部"))
    for username, full_name, role, regions, org_name in DEMO_ACCOUNTS:
        org = first.get(org_name) if org_name in first else (orgs.get(name=org_name) if org_name else None)
        if not User.objects.filter(username=username).exists():
            services.user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                full_name=full_name,
                organisation_id=org.pk if org else None,
                region_codes=regions,
            )
        scope = "、".join(Region.objects.get(code=c).name for c in regions) or (org.name if org else "本人")
        ctx.accounts.append((Role(role).label, username, scope))
