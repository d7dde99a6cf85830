"""Facilities API: the staff list (scoped), the public subset (no login, no personal data), coverage."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router

from yanglao.core.models import Region
from yanglao.facilities import selectors
from yanglao.facilities.choices import FacilityKind
from yanglao.facilities.schemas import CoverageOut, CoverageQuery, FacilityOut, PublicFacilityOut

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


@router.get("/facilities", response=list[FacilityOut])
def list_facilities(request: HttpRequest, kind: str = ""):
    rows = list(selectors.facility_list(user=request.user, kind=kind)[:2000])
    vacancies = selectors.vacancies([f.id for f in rows])
    return [_out(f, vacancies) for f in rows]


@router.get("/coverage", response=CoverageOut)
def get_coverage(request: HttpRequest, params: Query[CoverageQuery]):
    if params.kind not in FacilityKind.values or not request.user.in_scope(params.region):
        raise Http404
    if not Region.objects.filter(code=params.region).exists():
        raise Http404
    report = selectors.coverage_report(
        user=request.user, region_code=params.region, kind=params.kind, radius=params.radius
    )
    return report.as_json()


@public_router.get("/facilities", response=list[PublicFacilityOut], auth=None)
def list_public_facilities(request: HttpRequest, kind: str = ""):
    rows = list(selectors.public_facilities(kind=kind)[:5000])
    vacancies = selectors.vacancies([f.id for f in rows])
    return [
        {
            **{
                f: getattr(p, f)
                for f in ("id", "name", "kind", "address", "phone", "opening_hours", "services", "lat", "lng")
            },
            "kind_label": p.get_kind_display(),
            "vacancies": vacancies.get(p.id, []),
        }
        for p in rows
    ]
