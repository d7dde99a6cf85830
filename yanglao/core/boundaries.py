"""Region boundaries as GeoJSON, and generated ones for the demo. Pure (shapely), no Django.

Real boundaries are loaded from an operator's GeoJSON when they have one. The demo has none that may be
shipped, so it generates plausible ones: Voronoi cells of the streets' centres clipped to a district outline,
then the same again inside each street for its residents' committees (decision 21). They are drawn as
"generated" on every map.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping, shape

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# Xuhui drawn by hand as a 15-point outline (WGS-84, lng/lat), about 55 km² like the real district
# (54.76 km²). Approximate: for the demo only.
XUHUI_OUTLINE = [
    (121.4265, 31.2245),
    (121.4510, 31.2205),
    (121.4640, 31.2040),
    (121.4700, 31.1850),
    (121.4640, 31.1600),
    (121.4580, 31.1400),
    (121.4600, 31.1150),
    (121.4450, 31.1060),
    (121.4300, 31.1150),
    (121.4240, 31.1350),
    (121.4050, 31.1480),
    (121.3900, 31.1650),
    (121.3920, 31.1800),
    (121.4150, 31.1900),
    (121.4200, 31.2100),
]


def voronoi_cells(outline: Polygon, centres: list[tuple[float, float]]) -> list[Polygon]:
    """One cell per centre (in the centres' order), each the part of ``outline`` nearest to its centre."""
    if len(centres) == 1:
        return [outline]
    cells = shapely.voronoi_polygons(MultiPoint(centres), extend_to=outline.envelope.buffer(1))
    out = []
    for x, y in centres:
        here = Point(x, y)
        cell = next(c for c in cells.geoms if c.covers(here))
        out.append(_largest(cell.intersection(outline)))
    return out


def _largest(geometry: BaseGeometry) -> Polygon:
    if geometry.geom_type == "Polygon":
        return geometry
    return max((g for g in getattr(geometry, "geoms", []) if g.geom_type == "Polygon"), key=lambda g: g.area)


def scatter_centres(
    area: Polygon, count: int, rng: random.Random, rounds: int = 3
) -> list[tuple[float, float]]:
    """``count`` well-spread points inside ``area``: random points relaxed a few Lloyd rounds, so generated
    communities come out of similar size rather than as slivers."""
    west, south, east, north = area.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        p = (rng.uniform(west, east), rng.uniform(south, north))
        if area.contains(Point(p)):
            points.append(p)
    for _ in range(rounds if count > 1 else 0):
        cells = voronoi_cells(area, points)
        points = [_centroid(c) for c in cells]
    return points


def _centroid(cell: Polygon) -> tuple[float, float]:
    c = cell.centroid
    if not cell.contains(c):
        c = cell.representative_point()
    return (c.x, c.y)


def geojson(geometry: Polygon) -> dict:
    """A GeoJSON geometry, coordinates rounded to about a metre."""
    return mapping(shapely.set_precision(geometry, 1e-5))


def geometry_of(geojson: dict) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry or feature (to validate an operator's upload)."""
    return shape(geojson.get("geometry", geojson))


def area_km2(geometry: Polygon, lat: float) -> float:
    """Area of a small lng/lat polygon in km² (equirectangular at ``lat``: good to 0.1 % for a district)."""
    return geometry.area * (111.32 * math.cos(math.radians(lat))) * 110.57
