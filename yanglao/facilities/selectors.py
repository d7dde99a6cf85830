"""Reads of the facilities module: scoped lists, occupancy counts and coverage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from yanglao.core import divisions
from yanglao.core.models import Region, User
from yanglao.facilities import coverage, geo
from yanglao.facilities.models import Bed, Facility
from yanglao.people.models import Elder


def facility_list(*, user: User, kind: str = ""):
    qs = Facility.objects.for_user(user).select_related("region", "operator")
    return (qs.filter(kind=kind) if kind else qs).order_by("region", "name", "pk")


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


def public_facilities(*, kind: str = ""):
    """What the public map shows: facilities marked public, with no operator-internal fields."""
    qs = Facility.objects.unscoped(reason="the public map lists facilities marked public").filter(
        is_public=True
    )
    return (qs.filter(kind=kind) if kind else qs).order_by("kind", "name", "pk")


def bed_counts(*, user: User, facility: Facility) -> list[dict]:
    """Beds and occupied beds by type, straight from the register."""
    return list(
        Bed.objects.for_user(user)
        .filter(facility=facility, active=True)
        .values("bed_type")
        .annotate(beds=Count("pk"), occupied=Count("pk", filter=Q(occupant__isnull=False)))
        .order_by("bed_type")
    )


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


def coverage_report(*, user: User, region_code: str, kind: str, radius: float = 1000.0) -> CoverageReport:
    """Share of the user's active elders in a region within ``radius`` metres of a facility of ``kind``,
    per child region. Facilities just across the boundary count: people cross streets for lunch."""
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
        return CoverageReport(region.code, kind, radius, 0, 0, [])
    lngs = np.fromiter((r[0] for r in rows), float, len(rows))
    lats = np.fromiter((r[1] for r in rows), float, len(rows))
    margin = radius / 111_000 * 1.5  # degrees, generous: the box only limits what is read
    places = np.array(
        list(
            Facility.objects.unscoped(reason="coverage counts facilities across region boundaries")
            .filter(
                kind=kind,
                lng__gte=lngs.min() - margin,
                lng__lte=lngs.max() + margin,
                lat__gte=lats.min() - margin,
                lat__lte=lats.max() + margin,
            )
            .values_list("lng", "lat")
        ),
        dtype=float,
    ).reshape(-1, 2)
    lon_0, lat_0 = float(lngs.mean()), float(lats.mean())
    elders_xy = np.column_stack(geo.project(lngs, lats, lon_0=lon_0, lat_0=lat_0))
    facilities_xy = (
        np.column_stack(geo.project(places[:, 0], places[:, 1], lon_0=lon_0, lat_0=lat_0))
        if len(places)
        else np.zeros((0, 2))
    )
    mask = coverage.covered(elders_xy, facilities_xy, radius)
    keys = np.array([r[2][:width].ljust(12, "0") for r in rows])
    by_region = [
        {
            "code": c.key,
            "name": children[c.key].name if c.key in children else c.key,
            "elders": c.elders,
            "covered": c.covered,
            "share": round(c.share, 4),
        }
        for c in coverage.by_region(mask, keys)
    ]
    return CoverageReport(region.code, kind, radius, len(rows), int(mask.sum()), by_region)
