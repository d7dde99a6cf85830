"""Network distance coverage against per-pair brute force, and the river that straight lines ignore."""

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from yanglao.facilities import coverage, network


def grid(n: int = 6, spacing: float = 200.0) -> list[np.ndarray]:
    lines = []
    for i in range(n):
        lines.append(np.array([[0, i * spacing], [(n - 1) * spacing, i * spacing]], dtype=float))
        lines.append(np.array([[i * spacing, 0], [i * spacing, (n - 1) * spacing]], dtype=float))
    return lines


def brute(net: network.RoadNetwork, elders, facilities, radius) -> np.ndarray:
    """Per pair: snap both, shortest path between the two vertices, add the snapping walks."""
    graph = net._graph(np.zeros((0, 2), dtype=np.int64), np.zeros(0), len(net.nodes))
    out = []
    for e in elders:
        se, ne = net.tree.query(e)
        best = np.inf
        for f in facilities:
            sf, nf = net.tree.query(f)
            best = min(best, se + sf + dijkstra(graph, indices=int(nf))[int(ne)])
        out.append(best <= radius)
    return np.array(out)


@pytest.mark.parametrize("radius", [150.0, 400.0, 700.0])
def test_network_coverage_matches_brute_force(radius):
    rng = np.random.default_rng(1)
    net = network.RoadNetwork(grid(), step=50)
    elders = rng.uniform(0, 1000, size=(120, 2))
    facilities = rng.uniform(0, 1000, size=(3, 2))
    assert (net.covered(elders, facilities, radius) == brute(net, elders, facilities, radius)).all()


def test_walk_around_a_river_is_longer_than_the_straight_line():
    # Two banks joined by one bridge 1 km upstream: 100 m apart as the crow flies, 2.1 km on foot.
    lines = [
        np.array([[0, 0], [2000, 0]], dtype=float),
        np.array([[0, 100], [2000, 100]], dtype=float),
        np.array([[1000, 0], [1000, 100]], dtype=float),
    ]
    net = network.RoadNetwork(lines, step=25)
    elder, facility = np.array([[0.0, 0.0]]), np.array([[0.0, 100.0]])
    assert coverage.covered(elder, facility, 1000).all()
    assert not net.covered(elder, facility, 1000).any()
    assert net.distance(elder[0], facility[0]) == pytest.approx(2100, abs=1)
    assert net.covered(elder, facility, 2200).all()


def test_bad_road_files_are_refused_in_chinese():
    with pytest.raises(network.NetworkError, match="没有线要素"):
        network.lines_from_geojson({"type": "FeatureCollection", "features": []})
    with pytest.raises(network.NetworkError, match="无法解析"):
        network.lines_from_geojson({"type": "LineString", "coordinates": [["a", 1], [2, 3]]})
    multi = {"type": "MultiLineString", "coordinates": [[[121.4, 31.2], [121.41, 31.2]], [[121.4, 31.2]]]}
    assert len(network.lines_from_geojson(multi)) == 1


def test_site_reach_over_the_network_matches_brute_force():
    rng = np.random.default_rng(4)
    net = network.RoadNetwork(grid(), step=50)
    targets = rng.uniform(0, 1000, size=(80, 2))
    sources = rng.uniform(0, 1000, size=(5, 2))
    reach = net.reach(sources, targets, 300)
    for s, members in zip(sources, reach, strict=True):
        expected = np.nonzero(brute(net, targets, np.array([s]), 300))[0]
        assert list(members) == list(expected)
    picks = coverage.suggest_sites(targets, sources, 300, 2, reach=reach)
    assert picks[0].gain == max(len(r) for r in reach)


def test_sites_across_the_river_gain_nobody_on_foot():
    lines = [
        np.array([[0, 0], [2000, 0]], dtype=float),
        np.array([[0, 100], [2000, 100]], dtype=float),
        np.array([[1000, 0], [1000, 100]], dtype=float),
    ]
    net = network.RoadNetwork(lines, step=25)
    people = np.array([[0.0, 0.0], [20.0, 0.0], [40.0, 0.0]])
    candidates = np.array([[0.0, 100.0], [1500.0, 0.0]])  # across the water, or 1.5 km along the bank
    assert [p.gain for p in coverage.suggest_sites(people, candidates, 1000, 1)] == [3]  # straight line
    reach = net.reach(candidates, people, 1000)
    assert coverage.suggest_sites(people, candidates, 1000, 1, reach=reach) == []  # no walk within 1 km
    reach = net.reach(candidates, people, 1600)
    assert [
        (p.candidate, p.gain) for p in coverage.suggest_sites(people, candidates, 1600, 1, reach=reach)
    ] == [(1, 3)]
