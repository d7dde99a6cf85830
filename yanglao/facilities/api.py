"""Facilities API: the staff list (scoped), the public subset (no login, no personal data), coverage."""

# No "from __future__ import annotations": ninja reads the paginated views' annotations through its wrapper.

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from yanglao.core import lists, workflows
from yanglao.core.models import Region
from yanglao.facilities import errors, filters, geo, network, selectors, services
from yanglao.facilities.choices import FacilityKind
from yanglao.facilities.schemas import (
    AdmitIn,
    BedIn,
    BedOut,
    CoverageMapOut,
    CoverageMapQuery,
    CoverageOut,
    CoverageQuery,
    DischargeIn,
    FacilityIn,
    FacilityOut,
    FacilityPatch,
    IndicatorsOut,
    PublicFacilityOut,
    StayOut,
    TrendOut,
)

router = Router(tags=["养老设施"])
public_router = Router(tags=["公众服务"])


def _out(facility, vacancies) -> dict:
    return {
        **{
            f: getattr(facility, f)
            for f in (
                "id",
                "name",
                "kind",
                "address",
                "phone",
                "opening_hours",
                "services",
                "lat",
                "lng",
                "region_code",
                "operator_id",
                "operating_model",
                "meal_capacity",
                "open_to_community",
                "oxygen_supply",
                "star_level",
                "licence_no",
                "is_public",
            )
        },
        "kind_label": facility.get_kind_display(),
        "vacancies": vacancies.get(facility.id, []),
    }


FacilityFilterIn = lists.filter_schema(filters.FacilityFilterSet, "FacilityFilterIn")


def _out_page(rows: list) -> list[dict]:
    vacancies = selectors.vacancies([f.id for f in rows])
    return [_out(f, vacancies) for f in rows]


@router.get("/facilities", response=list[FacilityOut])
@paginate(lists.KeysetPagination)
def list_facilities(request: HttpRequest, params: Query[FacilityFilterIn]):  # type: ignore[valid-type]
    """Facilities in scope with the list page's filters, by keyset: follow ``next`` to the end."""
    fs = selectors.facility_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out_rows=_out_page)


@router.post("/facilities", response={201: FacilityOut})
def create_facility(request: HttpRequest, payload: FacilityIn):
    data = payload.dict(exclude_unset=True)  # an explicit null reaches the service's checks
    facility = services.facility_create(actor=request.user, **data)
    return Status(201, _out(facility, {}))


@router.patch("/facilities/{facility_id}", response=FacilityOut)
def update_facility(request: HttpRequest, facility_id: int, payload: FacilityPatch):
    data = payload.dict(exclude_unset=True)
    facility = services.facility_update(actor=request.user, facility_id=facility_id, **data)
    return _out(facility, selectors.vacancies([facility.id]))


@router.get("/coverage", response=CoverageOut)
def get_coverage(request: HttpRequest, params: Query[CoverageQuery]):
    _require_region(request, params.region, params.kind)
    report = selectors.coverage_report_cached(
        user=request.user,
        region_code=params.region,
        kind=params.kind,
        radius=params.radius,
        roads=_roads(params.distance),
    )
    return report.as_json()


def _candidates(text: str) -> list[tuple[str, float, float]] | None:
    """“名称,纬度,经度;…” → [(name, lat, lng)]; a bad entry is a 422 naming it, never silently skipped."""
    if not text.strip():
        return None
    out = []
    for n, part in enumerate(p for p in text.split(";") if p.strip()):
        bits = [b.strip() for b in part.split(",")]
        try:
            name, lat, lng = bits[0], float(bits[1]), float(bits[2])
        except (IndexError, ValueError):
            raise errors.InvalidFacility(
                f"第 {n + 1} 个候选点格式应为“名称,纬度,经度”：{part}", fields={"candidates": "格式错误"}
            ) from None
        if not geo.in_china(lng, lat):
            raise errors.InvalidFacility(
                f"第 {n + 1} 个候选点不在中国境内：{part}", fields={"candidates": "坐标无效"}
            )
        out.append((name or f"候选点{n + 1}", lat, lng))
    return out


@router.get("/coverage/map", response=CoverageMapOut)
def get_coverage_map(request: HttpRequest, params: Query[CoverageMapQuery]):
    """What the staff map draws: coverage by child region and committee, uncovered clusters, site picks."""
    _require_region(request, params.region, params.kind)
    return selectors.coverage_map_cached(
        user=request.user,
        region_code=params.region,
        kind=params.kind,
        radius=params.radius,
        k=params.k,
        candidates=_candidates(params.candidates),
        roads=_roads(params.distance),
    )


@router.get("/facility-indicators", response=IndicatorsOut)
def get_indicators(request: HttpRequest, region: str):
    """Planning indicators: beds per 1,000 elders by type, floor area per 1,000 residents, gaps."""
    _require_region(request, region)
    return selectors.planning_indicators_cached(user=request.user, region_code=region)


@router.get("/facilities/{facility_id}/beds", response=list[BedOut])
def list_beds(request: HttpRequest, facility_id: int):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id)
    return [_bed_out(b, request.user) for b in selectors.bed_register(user=request.user, facility=facility)]


@router.post("/facilities/{facility_id}/beds", response={201: BedOut})
def create_bed(request: HttpRequest, facility_id: int, payload: BedIn):
    bed = services.bed_create(actor=request.user, facility_id=facility_id, **payload.dict())
    return Status(201, _bed_out(bed, request.user))


def _bed_out(bed, user) -> dict:
    """A bed as the API shows it: occupied or not, never who, and what the caller may do with it now."""
    return {
        **{f: getattr(bed, f) for f in BedOut.model_fields if f not in ("occupied", "actions")},
        "occupied": bed.occupant_id is not None,
        "actions": workflows.allowed_actions(user, bed),
    }


@router.get("/facilities/{facility_id}/occupancy", response=list[TrendOut])
def get_occupancy(request: HttpRequest, facility_id: int, days: int = 90):
    facility = selectors.facility_get(user=request.user, facility_id=facility_id)
    return selectors.occupancy_trend(user=request.user, facility=facility, days=min(max(days, 1), 3660))


@router.post("/beds/{bed_id}/admit", response={201: StayOut})
def admit(request: HttpRequest, bed_id: int, payload: AdmitIn):
    stay = services.bed_admit(
        actor=request.user,
        bed_id=bed_id,
        elder_id=payload.elder_id,
        id_number=payload.id_number,
        date=payload.date,
    )
    return Status(201, stay)


@router.post("/beds/{bed_id}/discharge", response=StayOut)
def discharge(request: HttpRequest, bed_id: int, payload: DischargeIn):
    return services.bed_discharge(
        actor=request.user, bed_id=bed_id, reason=payload.reason, note=payload.note, date=payload.date
    )


def _roads(distance: str) -> dict | None:
    if distance != "network":
        return None
    if not settings.ROAD_NETWORK_FILE:
        raise errors.InvalidFacility(
            "未配置道路网络文件，只能按直线距离计算", fields={"distance": "未配置道路网络"}
        )
    try:
        return selectors.road_network(settings.ROAD_NETWORK_FILE)
    except network.NetworkError as exc:
        raise errors.InvalidFacility(str(exc), fields={"distance": str(exc)}) from exc


def _require_region(request: HttpRequest, code: str, kind: str | None = None) -> None:
    if kind is not None and kind not in FacilityKind.values:
        raise Http404
    if not request.user.in_scope(code) or not Region.objects.filter(code=code).exists():
        raise Http404


PublicFacilityFilterIn = lists.filter_schema(filters.PublicFacilityFilterSet, "PublicFacilityFilterIn")


def _public_out_page(rows: list) -> list[dict]:
    vacancies = selectors.vacancies([f.id for f in rows])
    fields = ("id", "name", "kind", "address", "phone", "opening_hours", "services", "lat", "lng")
    return [
        {
            **{f: getattr(p, f) for f in fields},
            "kind_label": p.get_kind_display(),
            "vacancies": vacancies.get(p.id, []),
        }
        for p in rows
    ]


@public_router.get("/facilities", response=list[PublicFacilityOut], auth=None)
@paginate(lists.KeysetPagination)
def list_public_facilities(request: HttpRequest, params: Query[PublicFacilityFilterIn]):  # type: ignore[valid-type]
    """Every facility marked public, page by page (the map follows ``next`` until it has them all)."""
    fs = filters.PublicFacilityFilterSet(lists.schema_params(params), user=request.user)
    return lists.Listed(fs, out_rows=_public_out_page)
