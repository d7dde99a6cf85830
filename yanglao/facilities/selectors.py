"""Reads of the facilities module: scoped lists, occupancy counts and coverage."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils import timezone

from yanglao.core import divisions
from yanglao.core.models import Region, User
from yanglao.facilities import coverage, filters, geo, network
from yanglao.facilities.choices import RESIDENTIAL_KINDS, BedType
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot
from yanglao.people.models import Elder, LifeEvent

T = TypeVar("T")


def vacancies(facility_ids: list[int]) -> dict[int, list[dict]]:
    """Vacant active beds by type per facility (what the public may know about beds: counts only)."""
    rows = (
        Bed.objects.unscoped(reason="vacancy counts carry no personal data")
        .filter(facility_id__in=facility_ids, active=True, occupant__isnull=True, family_bed=False)
        .values("facility_id", "bed_type")
        .annotate(vacant=Count("pk"))
        .order_by("facility_id", "bed_type")
    )
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row["facility_id"], []).append({"bed_type": row["bed_type"], "vacant": row["vacant"]})
    return out


def bed_counts(*, user: User, facility: Facility) -> list[dict]:
    """Beds, occupied and vacant beds by type, straight from the register; family care beds (at people's
    homes) are one row of their own, ``bed_type="family"``."""
    rows = list(
        Bed.objects.for_user(user)
        .filter(facility=facility, active=True)
        .values("bed_type", "family_bed")
        .annotate(beds=Count("pk"), occupied=Count("pk", filter=Q(occupant__isnull=False)))
        .order_by("family_bed", "bed_type")
    )
    out: dict[str, dict] = {}
    for r in rows:
        key = "family" if r["family_bed"] else r["bed_type"]
        label = "家庭养老床位" if r["family_bed"] else BedType(key).label
        row = out.setdefault(key, {"bed_type": key, "label": label, "beds": 0, "occupied": 0})
        row["beds"] += r["beds"]
        row["occupied"] += r["occupied"]
    return [r | {"vacant": r["beds"] - r["occupied"]} for r in out.values()]


@dataclass(frozen=True)
class CoverageReport:
    region: str
    kind: str
    radius_m: float
    elders: int
    covered: int
    by_region: list[dict]

    @property
    def share(self) -> float:
        return self.covered / self.elders if self.elders else 0.0

    def as_json(self) -> dict:
        return {
            "region": self.region,
            "kind": self.kind,
            "radius_m": self.radius_m,
            "elders": self.elders,
            "covered": self.covered,
            "share": round(self.share, 4),
            "by_region": self.by_region,
        }


@dataclass(frozen=True)
class _Population:
    """The scoped active elders of a region with a position, projected around their mean."""

    region: Region
    children: dict[str, Region]
    width: int  # prefix length of the child level
    codes: np.ndarray  # each elder's region code
    lngs: np.ndarray
    lats: np.ndarray
    xy: np.ndarray
    lon_0: float
    lat_0: float

    def child_keys(self) -> np.ndarray:
        return np.array([c[: self.width].ljust(12, "0") for c in self.codes])

    def project(self, lngs, lats) -> np.ndarray:
        if len(lngs) == 0:
            return np.zeros((0, 2))
        return np.column_stack(geo.project(lngs, lats, lon_0=self.lon_0, lat_0=self.lat_0))

    def unproject(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return geo.unproject(xy[:, 0], xy[:, 1], lon_0=self.lon_0, lat_0=self.lat_0)


def _population(user: User, region_code: str) -> _Population | None:
    region = Region.objects.get(code=region_code)
    children = {r.code: r for r in Region.objects.filter(parent=region)}
    width = divisions.PREFIX_LENGTH[next(iter(children.values())).level] if children else 12
    rows = list(
        Elder.objects.for_user(user)
        .in_region(region.code)
        .filter(status="active", lat__isnull=False)
        .values_list("lng", "lat", "region")
    )
    if not rows:
        return None
    lngs = np.fromiter((r[0] for r in rows), float, len(rows))
    lats = np.fromiter((r[1] for r in rows), float, len(rows))
    lon_0, lat_0 = float(lngs.mean()), float(lats.mean())
    xy = np.column_stack(geo.project(lngs, lats, lon_0=lon_0, lat_0=lat_0))
    codes = np.array([r[2] for r in rows])
    return _Population(region, children, width, codes, lngs, lats, xy, lon_0, lat_0)


def _facilities_near(pop: _Population, kind: str, radius: float) -> list[tuple[int, str, float, float]]:
    """Facilities of ``kind`` in the elders' bounding box plus a margin: ones just across the boundary count,
    people cross streets for lunch."""
    margin = radius / 111_000 * 1.5  # degrees, generous: the box only limits what is read
    return list(
        Facility.objects.unscoped(reason="coverage counts facilities across region boundaries")
        .filter(
            kind=kind,
            lng__gte=pop.lngs.min() - margin,
            lng__lte=pop.lngs.max() + margin,
            lat__gte=pop.lats.min() - margin,
            lat__lte=pop.lats.max() + margin,
        )
        .order_by("pk")
        .values_list("pk", "name", "lng", "lat")
    )


def _network(pop: _Population, roads: dict | None) -> network.RoadNetwork | None:
    if roads is None:
        return None
    return network.from_geojson(
        roads, lambda lng, lat: geo.project(lng, lat, lon_0=pop.lon_0, lat_0=pop.lat_0)
    )


def _covered(
    pop: _Population, places: list, radius: float, net: network.RoadNetwork | None = None
) -> np.ndarray:
    """Straight-line coverage, or walking distance over an operator's road network when given."""
    xy = pop.project(np.array([p[2] for p in places]), np.array([p[3] for p in places]))
    if net is None:
        return coverage.covered(pop.xy, xy, radius)
    return net.covered(pop.xy, xy, radius)


def road_network(path: str) -> dict:
    """The operator's road file (settings.ROAD_NETWORK_FILE or a CLI argument), parsed once per change."""
    file = Path(path)
    try:
        return _read_roads(str(file), file.stat().st_mtime)
    except OSError as exc:
        raise network.NetworkError(f"无法读取道路文件 {file.name}") from exc


@lru_cache(maxsize=2)
def _read_roads(path: str, mtime: float) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise network.NetworkError("道路文件不是有效的 GeoJSON") from exc
    network.lines_from_geojson(data)  # refuse a file without lines now, not in the middle of a request
    return data


def _rows(mask: np.ndarray, keys: np.ndarray, names: dict[str, str]) -> list[dict]:
    return [
        {
            "code": c.key,
            "name": names.get(c.key, c.key),
            "elders": c.elders,
            "covered": c.covered,
            "share": round(c.share, 4),
        }
        for c in coverage.by_region(mask, keys)
    ]


def coverage_report(
    *, user: User, region_code: str, kind: str, radius: float = 1000.0, roads: dict | None = None
) -> CoverageReport:
    """Share of the user's active elders in a region within ``radius`` metres of a facility of ``kind``,
    per child region; walking distance over ``roads`` when an operator supplied them."""
    pop = _population(user, region_code)
    if pop is None:
        return CoverageReport(region_code, kind, radius, 0, 0, [])
    mask = _covered(pop, _facilities_near(pop, kind, radius), radius, _network(pop, roads))
    names = {code: r.name for code, r in pop.children.items()}
    by_region = _rows(mask, pop.child_keys(), names)
    return CoverageReport(pop.region.code, kind, radius, len(mask), int(mask.sum()), by_region)


def coverage_map(
    *,
    user: User,
    region_code: str,
    kind: str,
    radius: float = 1000.0,
    k: int = 3,
    candidates: list[tuple[str, float, float]] | None = None,
    roads: dict | None = None,
) -> dict:
    """Everything the staff map draws for one kind and radius: coverage per child region and per residents'
    committee, uncovered clusters (aggregated on a grid, never a person's position) and ``k`` suggested
    sites with their gains. Candidates default to each committee's centre of gravity of its elders."""
    pop = _population(user, region_code)
    empty = {"region": region_code, "kind": kind, "radius_m": radius, "elders": 0, "covered": 0, "share": 0.0}
    if pop is None:
        return empty | {
            "by_region": [],
            "communities": [],
            "clusters": [],
            "suggestions": [],
            "facilities": [],
        }
    places = _facilities_near(pop, kind, radius)
    net = _network(pop, roads)
    mask = _covered(pop, places, radius, net)
    names = dict(
        Region.objects.filter(
            code__gte=pop.region.subtree_range[0], code__lt=pop.region.subtree_range[1]
        ).values_list("code", "name")
    )
    left = pop.xy[~mask]
    cells = coverage.clusters(left)[:60]
    if candidates:
        labels = [c[0] for c in candidates]
        cand_xy = pop.project(np.array([c[2] for c in candidates]), np.array([c[1] for c in candidates]))
    else:
        keys, cand_xy = coverage.centres_of_gravity(pop.xy, pop.codes)
        labels = [names.get(str(key), str(key)) for key in keys]
    reach = net.reach(cand_xy, left, radius) if net is not None and k > 0 else None
    picks = coverage.suggest_sites(left, cand_xy, radius, k, reach=reach)
    suggestions, total = [], int(mask.sum())
    if picks:
        lngs, lats = pop.unproject(cand_xy[[p.candidate for p in picks]])
        for rank, (pick, lng, lat) in enumerate(zip(picks, lngs, lats, strict=True), start=1):
            total += pick.gain
            suggestions.append(
                {
                    "rank": rank,
                    "name": labels[pick.candidate],
                    "lat": round(float(lat), 6),
                    "lng": round(float(lng), 6),
                    "gain": pick.gain,
                    "share_after": round(total / len(mask), 4),
                }
            )
    cluster_xy = np.array([[c.x, c.y] for c in cells]).reshape(-1, 2)
    c_lngs, c_lats = pop.unproject(cluster_xy) if cells else ([], [])
    return {
        "region": pop.region.code,
        "kind": kind,
        "radius_m": radius,
        "elders": len(mask),
        "covered": int(mask.sum()),
        "share": round(float(mask.mean()), 4),
        "by_region": _rows(mask, pop.child_keys(), names),
        "communities": _rows(mask, pop.codes, names),
        "clusters": [
            {"lat": round(float(la), 5), "lng": round(float(lo), 5), "elders": c.elders}
            for c, lo, la in zip(cells, c_lngs, c_lats, strict=True)
        ],
        "suggestions": suggestions,
        "facilities": [{"id": p[0], "name": p[1], "lng": p[2], "lat": p[3]} for p in places],
    }


# Medical facilities are in the network but not in the elderly-care floor area (0.2 m² per resident); the
# community standard (40 m² per 1,000 residents) counts community facilities, not the institutions.
NOT_CARE_FLOOR_AREA = ("health_centre",)
NOT_COMMUNITY_FLOOR_AREA = (*NOT_CARE_FLOOR_AREA, *RESIDENTIAL_KINDS)


# Reference standards the indicators page compares against (PRODUCT.md, plan targets); a region's own plan
# targets belong to the government-view module.
PLANNING_STANDARDS = [
    {
        "key": "beds_per_1000_elders",
        "label": "每千名老年人拥有养老床位",
        "target": 35,
        "unit": "张",
        "source": "株洲",
    },
    {"key": "nursing_share", "label": "护理型床位占比", "target": 0.6, "unit": "", "source": "重庆"},
    {
        "key": "floor_area_per_1000_residents",
        "label": "每千常住人口社区养老服务设施面积",
        "target": 40,
        "unit": "平方米",
        "source": "徐汇",
    },
    {
        "key": "floor_area_per_resident",
        "label": "人均养老服务设施面积",
        "target": 0.2,
        "unit": "平方米",
        "source": "重庆",
    },
]


def standards_check(total: dict) -> list[dict]:
    """Each reference standard with the region's value and whether it is met (None: no value to judge)."""
    out = []
    for standard in PLANNING_STANDARDS:
        value = total.get(standard["key"])
        out.append(standard | {"value": value, "met": None if value is None else value >= standard["target"]})
    return out


def planning_indicators(*, user: User, region_code: str) -> dict:
    """The plan's network indicators for a region and each child region: beds per 1,000 elders by bed type,
    elderly-care floor area per 1,000 residents and per resident, facilities per child region, and the
    residents' committees without any facility."""
    region = Region.objects.get(code=region_code)
    low, high = region.subtree_range
    children = list(Region.objects.filter(parent=region).order_by("code"))
    width = divisions.PREFIX_LENGTH[children[0].level] if children else 12

    def key(code: str) -> str:
        return code[:width].ljust(12, "0")

    rows = {c.code: _indicator_row(c.code, c.name, c.population) for c in children}
    total = _indicator_row(region.code, region.name, region.population)
    elders = (
        Elder.objects.for_user(user)
        .in_region(region.code)
        .filter(status="active")
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    for code, n in elders:
        for row in (rows.get(key(code)), total):
            if row is not None:
                row["elders"] += n
    facilities = Facility.objects.for_user(user).in_region(region.code)
    with_facility = set()
    for code, kind, area in facilities.values_list("region", "kind", "floor_area"):
        with_facility.add(code)
        for row in (rows.get(key(code)), total):
            if row is None:
                continue
            row["facilities"] += 1
            row["by_kind"][kind] = row["by_kind"].get(kind, 0) + 1
            if area is not None and kind not in NOT_CARE_FLOOR_AREA:
                row["floor_area"] += float(area)
            if area is not None and kind not in NOT_COMMUNITY_FLOOR_AREA:
                row["community_floor_area"] += float(area)
    beds = (
        Bed.objects.for_user(user)
        .filter(region__gte=low, region__lt=high, active=True)  # a family care bed counts where the home is
        .filter(Q(facility__kind__in=RESIDENTIAL_KINDS) | Q(family_bed=True))
        .values("region", "bed_type", "family_bed")
        .annotate(n=Count("pk"))
        .values_list("region", "bed_type", "family_bed", "n")
    )
    for code, bed_type, family, n in beds:
        for row in (rows.get(key(code)), total):
            if row is None:
                continue
            row["beds"][bed_type] = row["beds"].get(bed_type, 0) + n
            row["family_beds"] += n if family else 0
    committees = Region.objects.filter(code__gte=low, code__lt=high, level=divisions.VILLAGE)
    for code, name in committees.order_by("code").values_list("code", "name"):
        for row in (rows.get(key(code)), total):
            if row is None:
                continue
            row["communities"] += 1
            if code not in with_facility:
                row["communities_without_facility"].append({"code": code, "name": name})
    out = [_indicator_finish(r) for r in rows.values()]
    return {"region": region.code, "name": region.name, "total": _indicator_finish(total), "by_region": out}


def _indicator_row(code: str, name: str, population: int | None) -> dict:
    return {
        "code": code,
        "name": name,
        "population": population,
        "elders": 0,
        "facilities": 0,
        "by_kind": {},
        "floor_area": 0.0,
        "community_floor_area": 0.0,
        "beds": {},
        "family_beds": 0,
        "communities": 0,
        "communities_without_facility": [],
    }


def _indicator_finish(row: dict) -> dict:
    """Ratios from the counts; None where the denominator is unknown or zero (never a made-up figure)."""
    elders, population = row["elders"], row["population"]
    beds_total = sum(row["beds"].values())
    row["beds_total"] = beds_total
    row["beds_per_1000_elders"] = round(beds_total * 1000 / elders, 1) if elders else None
    row["beds_per_1000_elders_by_type"] = (
        {t: round(n * 1000 / elders, 1) for t, n in sorted(row["beds"].items())} if elders else {}
    )
    row["nursing_share"] = round(row["beds"].get("nursing", 0) / beds_total, 4) if beds_total else None
    row["floor_area"] = round(row["floor_area"], 1)
    row["community_floor_area"] = round(row["community_floor_area"], 1)
    row["floor_area_per_1000_residents"] = (
        round(row["community_floor_area"] * 1000 / population, 1) if population else None
    )
    row["floor_area_per_resident"] = round(row["floor_area"] / population, 3) if population else None
    row["floor_area_per_elder"] = round(row["floor_area"] / elders, 2) if elders else None
    return row


def facility_get(*, user: User, facility_id: int) -> Facility:
    facility = (
        Facility.objects.for_user(user).select_related("region", "operator").filter(pk=facility_id).first()
    )
    if facility is None:
        raise Http404
    return facility


def bed_register(*, user: User, facility: Facility):
    """The facility's beds in building, room and number order, with their occupants."""
    return (
        Bed.objects.for_user(user)
        .filter(facility=facility)
        .select_related("occupant", "home_elder")
        .order_by("family_bed", "building", "room", "number", "pk")
    )


def bed_get(*, user: User, facility: Facility, bed_id: int) -> Bed:
    """One bed of the facility with its occupant; a bed of another facility or out of scope is a 404."""
    bed = (
        Bed.objects.for_user(user)
        .filter(facility=facility, pk=bed_id)
        .select_related("occupant", "facility")
        .first()
    )
    if bed is None:
        raise Http404
    return bed


def stay_open(*, user: User, bed: Bed) -> BedStay | None:
    return BedStay.objects.for_user(user).filter(bed=bed, discharged_on__isnull=True).first()


def stay_history(*, user: User, facility: Facility, limit: int = 100) -> list[BedStay]:
    """The facility's admissions and discharges, newest first, with their bed, person and reason."""
    return list(
        BedStay.objects.for_user(user)
        .filter(bed__facility=facility)
        .select_related("bed", "elder")
        .order_by("-admitted_on", "-pk")[:limit]
    )


def occupancy_trend(
    *,
    user: User,
    facility: Facility | None = None,
    region_code: str = "",
    days: int = 90,
    kinds: tuple[str, ...] = (),
):
    """Daily beds and occupied beds (all types together) from the nightly snapshots, oldest first."""
    qs = OccupancySnapshot.objects.for_user(user)
    if kinds:
        qs = qs.filter(facility__kind__in=kinds)
    if facility is not None:
        qs = qs.filter(facility=facility)
    if region_code:
        low, high = divisions.subtree_range(region_code)
        qs = qs.filter(region__gte=low, region__lt=high)
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = qs.filter(date__gte=since).values("date").annotate(beds=Sum("beds"), occupied=Sum("occupied"))
    return [
        {
            "date": r["date"],
            "beds": r["beds"],
            "occupied": r["occupied"],
            "rate": round(r["occupied"] / r["beds"], 4) if r["beds"] else None,
        }
        for r in rows.order_by("date")
    ]


def can_analyse(*, user: User) -> bool:
    """Whether the coverage and indicator pages have a region to show this user (they 404 otherwise):
    people with assigned regions; staff of an organisation have none."""
    if user.is_superuser:
        return True
    return user.has_perm("facilities.view_facility") and user.regions.exists()


def analysis_regions(*, user: User) -> list[Region]:
    """Regions a user can analyse on the staff map: their assigned regions and the streets under them (for
    system administrators: the counties that have facilities, and their streets)."""
    if user.is_superuser:
        codes = Facility.objects.unscoped(reason="which counties have facilities").values_list(
            "region", flat=True
        )
        counties = sorted({c[:6] + "000000" for c in codes.distinct()})
        roots = list(Region.objects.filter(code__in=counties))
    else:
        roots = list(user.regions.all())
    out = []
    for root in sorted(roots, key=lambda r: r.code):
        out.append(root)
        if root.level != divisions.VILLAGE:
            out += list(Region.objects.filter(parent=root).exclude(level=divisions.VILLAGE).order_by("code"))
    return out


def facility_filterset(*, user: User, params=None) -> filters.FacilityFilterSet:
    return filters.FacilityFilterSet(params, user=user)


@dataclass(frozen=True)
class HomeSummary:
    """The home-page panel's figures, each one the facility list can confirm."""

    facilities: int
    beds: int
    occupied: int
    licences_expired: int  # linked to /facilities/?licence=expired
    licences_due: int  # linked to /facilities/?licence=due
    own: list[Facility]  # a provider's own facilities with bed counts, when they run three or fewer

    @property
    def vacant(self) -> int:
        return self.beds - self.occupied

    @property
    def rate(self) -> float | None:
        return self.occupied / self.beds if self.beds else None


def home_summary(*, user: User) -> HomeSummary:
    """Facilities, institution beds and occupancy in the user's scope, licences expired or due. Counted in
    the database, so a city-wide scope costs five queries."""
    facilities = Facility.objects.for_user(user)
    beds = (
        Bed.objects.for_user(user)
        .filter(active=True, family_bed=False, facility__kind__in=RESIDENTIAL_KINDS)
        .aggregate(beds=Count("pk"), occupied=Count("pk", filter=Q(occupant__isnull=False)))
    )
    today = timezone.localdate()
    count = facilities.count()
    return HomeSummary(
        facilities=count,
        beds=beds["beds"],
        occupied=beds["occupied"],
        licences_expired=facilities.filter(filters.licence_q("expired", today)).count(),
        licences_due=facilities.filter(filters.licence_q("due", today)).count(),
        own=list(facility_filterset(user=user).qs[:3]) if count <= 3 else [],
    )


# Coverage and the indicators read every active elder of a district (~1 s at 320,000 people). They are kept
# per user and parameters, keyed on the data version below; the time limit only bounds what a write outside
# the services (a bulk SQL load) could leave stale.
ANALYSIS_CACHE_SECONDS = 15 * 60


def analysis_data_version(*, beds: bool = False) -> str:
    """A cheap fingerprint of what coverage and the indicators are computed from, the same in every worker
    (it is read from the database, not kept in one process): the highest elder id (registrations, COPY
    loads included) and life-event id (every move, move-out, death, correction and import update writes
    one), and the count and latest change of the facilities (and of the beds). Index look-ups and a pass
    over the small facility table, never over the people."""
    elders = Elder.objects.unscoped(reason="data version: the highest id only").aggregate(top=Max("pk"))
    events = LifeEvent.objects.unscoped(reason="data version: the highest id only").aggregate(top=Max("pk"))
    places = Facility.objects.unscoped(reason="data version: counts and the latest change").aggregate(
        n=Count("pk"), top=Max("pk"), changed=Max("updated_at")
    )
    parts = [elders["top"], events["top"], places["n"], places["top"], places["changed"]]
    if beds:
        row = Bed.objects.unscoped(reason="data version: counts only").aggregate(
            n=Count("pk"), top=Max("pk"), active=Count("pk", filter=Q(active=True))
        )
        parts += [row["n"], row["top"], row["active"]]
    return "|".join(str(p) for p in parts)


def _cached(name: str, *, user: User, params: tuple, version: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per user, scope, parameters and data version. Per user, so that no answer ever
    crosses from one account to another, whatever their roles."""
    scope = "all" if user.is_superuser else ",".join(f"{lo}-{hi}" for lo, hi in user.scope_ranges())
    raw = repr((name, user.pk, scope, params, version))
    key = f"facilities:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, ANALYSIS_CACHE_SECONDS)
    return value


def _roads_version(roads: dict | None) -> str:
    if roads is None:
        return ""
    try:
        return f"{settings.ROAD_NETWORK_FILE}:{Path(settings.ROAD_NETWORK_FILE).stat().st_mtime}"
    except OSError:
        return settings.ROAD_NETWORK_FILE


def coverage_report_cached(
    *, user: User, region_code: str, kind: str, radius: float = 1000.0, roads: dict | None = None
) -> CoverageReport:
    """``coverage_report`` for pages and the API (roads, if any, are the configured network file)."""
    return _cached(
        "coverage",
        user=user,
        params=(region_code, kind, float(radius), _roads_version(roads)),
        version=analysis_data_version(),
        compute=lambda: coverage_report(
            user=user, region_code=region_code, kind=kind, radius=radius, roads=roads
        ),
    )


def coverage_map_cached(
    *,
    user: User,
    region_code: str,
    kind: str,
    radius: float = 1000.0,
    k: int = 3,
    candidates: list[tuple[str, float, float]] | None = None,
    roads: dict | None = None,
) -> dict:
    """``coverage_map`` for the staff map: an unchanged open answers from the cache."""
    return _cached(
        "coverage_map",
        user=user,
        params=(region_code, kind, float(radius), k, tuple(candidates or ()), _roads_version(roads)),
        version=analysis_data_version(),
        compute=lambda: coverage_map(
            user=user,
            region_code=region_code,
            kind=kind,
            radius=radius,
            k=k,
            candidates=candidates,
            roads=roads,
        ),
    )


def planning_indicators_cached(*, user: User, region_code: str) -> dict:
    """``planning_indicators`` for the page and the API, recomputed only when the data changed."""
    return _cached(
        "indicators",
        user=user,
        params=(region_code,),
        version=analysis_data_version(beds=True),
        compute=lambda: planning_indicators(user=user, region_code=region_code),
    )
