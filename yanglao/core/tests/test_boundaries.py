"""Region boundaries: generated cells tile the outline; loading GeoJSON keeps good features, reports bad."""

import random

import pytest
from shapely.geometry import Point, Polygon

from yanglao.core import boundaries, services
from yanglao.core.models import Region

OUTLINE = Polygon(boundaries.XUHUI_OUTLINE)


def test_voronoi_cells_tile_the_outline_and_hold_their_centres():
    rng = random.Random(7)
    centres = boundaries.scatter_centres(OUTLINE, 13, rng)
    cells = boundaries.voronoi_cells(OUTLINE, centres)
    assert len(cells) == 13
    assert sum(c.area for c in cells) == pytest.approx(OUTLINE.area, rel=1e-9)
    for i, (cell, centre) in enumerate(zip(cells, centres, strict=True)):
        assert cell.covers(Point(centre))
        for other in cells[i + 1 :]:
            assert cell.intersection(other).area < 1e-12  # neighbours share edges only
    assert 50 < boundaries.area_km2(OUTLINE, 31.17) < 65  # the real district is 54.76 km²


def test_scatter_centres_stay_inside_and_apart():
    cell = boundaries.voronoi_cells(OUTLINE, [(121.44, 31.20), (121.43, 31.14)])[0]
    points = boundaries.scatter_centres(cell, 20, random.Random(1))
    assert len(points) == 20 and all(cell.contains(Point(p)) for p in points)
    sub = boundaries.voronoi_cells(cell, points)
    assert min(c.area for c in sub) > cell.area / 20 / 6  # relaxed: no slivers


@pytest.mark.django_db
def test_loading_boundaries_keeps_good_features_and_reports_each_bad_one():
    square = {
        "type": "Polygon",
        "coordinates": [[[121.40, 31.15], [121.45, 31.15], [121.45, 31.20], [121.40, 31.15]]],
    }
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[121.4, 31.1], [121.5, 31.2], [121.5, 31.1], [121.4, 31.2], [121.4, 31.1]]],
    }
    swapped = {
        "type": "Polygon",
        "coordinates": [[[31.15, 121.40], [31.15, 121.45], [31.20, 121.45], [31.15, 121.40]]],
    }
    features = [
        {"type": "Feature", "properties": {"code": "310104003000"}, "geometry": square},
        {"type": "Feature", "properties": {"code": "999999999999"}, "geometry": square},
        {"type": "Feature", "properties": {"code": "310104004000"}, "geometry": bowtie},
        {"type": "Feature", "properties": {"code": "310104007000"}, "geometry": swapped},
        {"type": "Feature", "properties": {}, "geometry": square},
        {
            "type": "Feature",
            "properties": {"code": "310104008000"},
            "geometry": {"type": "Point", "coordinates": [121.4, 31.1]},
        },
    ]
    result = services.region_boundaries_load(features=features, source="test.geojson")
    assert result.loaded == 1
    assert [p["feature"] for p in result.problems] == [2, 3, 4, 5, 6]
    assert all(p["reason"] for p in result.problems)
    street = Region.objects.get(code="310104003000")
    assert street.boundary == square and street.boundary_source == "test.geojson"
    assert not Region.objects.filter(code="310104004000", boundary__isnull=False).exists()
