"""Coverage against brute force on small data; datum conversions; site suggestions. No database."""

import itertools

import numpy as np
import pytest

from yanglao.facilities import coverage, geo


def brute_covered(elders, facilities, radius):
    if len(facilities) == 0:
        return np.zeros(len(elders), dtype=bool)
    d = np.sqrt(((elders[:, None, :] - facilities[None, :, :]) ** 2).sum(axis=2))
    return (d <= radius).any(axis=1)


@pytest.mark.parametrize("seed", range(20))
def test_covered_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    elders = rng.uniform(0, 5000, size=(rng.integers(0, 400), 2))
    facilities = rng.uniform(0, 5000, size=(rng.integers(0, 40), 2))
    radius = float(rng.uniform(100, 1500))
    assert np.array_equal(
        coverage.covered(elders, facilities, radius), brute_covered(elders, facilities, radius)
    )


def test_boundary_distance_counts_as_covered():
    assert coverage.covered(np.array([[1000.0, 0.0]]), np.array([[0.0, 0.0]]), 1000.0).tolist() == [True]
    assert coverage.covered(np.array([[1000.1, 0.0]]), np.array([[0.0, 0.0]]), 1000.0).tolist() == [False]


def test_by_region_counts():
    mask = np.array([True, False, True, True, False])
    keys = np.array(["b", "a", "a", "b", "b"])
    rows = coverage.by_region(mask, keys)
    assert [(r.key, r.elders, r.covered) for r in rows] == [("a", 2, 1), ("b", 3, 2)]
    assert rows[1].share == pytest.approx(2 / 3)


def brute_best_single(uncovered, candidates, radius):
    return max(
        range(len(candidates)),
        key=lambda i: (brute_covered(uncovered, candidates[i : i + 1], radius).sum(), -i),
    )


@pytest.mark.parametrize("seed", range(10))
def test_greedy_picks_match_a_brute_force_greedy(seed):
    rng = np.random.default_rng(100 + seed)
    uncovered = rng.uniform(0, 4000, size=(300, 2))
    candidates = rng.uniform(0, 4000, size=(25, 2))
    picks = coverage.suggest_sites(uncovered, candidates, 600.0, 3)
    left = uncovered.copy()
    for pick in picks:
        best = brute_best_single(left, candidates, 600.0)
        gain = int(brute_covered(left, candidates[best : best + 1], 600.0).sum())
        assert (pick.candidate, pick.gain) == (best, gain)
        left = left[~brute_covered(left, candidates[best : best + 1], 600.0)]
    gains = [p.gain for p in picks]
    assert gains == sorted(gains, reverse=True)  # greedy gains never grow


def test_greedy_is_optimal_on_tiny_cases():
    rng = np.random.default_rng(7)
    uncovered = rng.uniform(0, 2000, size=(60, 2))
    candidates = rng.uniform(0, 2000, size=(8, 2))
    greedy = sum(p.gain for p in coverage.suggest_sites(uncovered, candidates, 500.0, 2))
    best = max(
        brute_covered(uncovered, candidates[list(pair)], 500.0).sum()
        for pair in itertools.combinations(range(8), 2)
    )
    assert greedy >= (1 - 1 / np.e) * best  # the greedy guarantee
    assert coverage.suggest_sites(uncovered, candidates, 500.0, 0) == []
    assert coverage.suggest_sites(np.zeros((0, 2)), candidates, 500.0, 3) == []


def test_projection_gives_true_metres():
    # Two points 0.01° of latitude apart near Xuhui are ~1,109 m apart on the GRS80 ellipsoid.
    xs, ys = geo.project(np.array([121.44, 121.44]), np.array([31.18, 31.19]), lon_0=121.44, lat_0=31.18)
    assert np.hypot(xs[1] - xs[0], ys[1] - ys[0]) == pytest.approx(1109.0, abs=2)


@pytest.mark.parametrize(
    ("lng", "lat"), [(121.4365, 31.1885), (116.397, 39.909), (113.26, 23.13), (91.13, 29.65)]
)
def test_datum_round_trips(lng, lat):
    g = geo.wgs84_to_gcj02(lng, lat)
    back = geo.gcj02_to_wgs84(*g)
    assert back == pytest.approx((lng, lat), abs=1e-7)
    assert geo.bd09_to_gcj02(*geo.gcj02_to_bd09(*g)) == pytest.approx(g, abs=1e-6)
    assert geo.to_wgs84(*geo.gcj02_to_bd09(*g), system="bd09") == pytest.approx((lng, lat), abs=1e-6)


def test_gcj_offset_in_shanghai_is_a_few_hundred_metres():
    lng, lat = 121.4365, 31.1885
    g_lng, g_lat = geo.wgs84_to_gcj02(lng, lat)
    xs, ys = geo.project(np.array([lng, g_lng]), np.array([lat, g_lat]), lon_0=lng, lat_0=lat)
    assert 300 < np.hypot(xs[1] - xs[0], ys[1] - ys[0]) < 800


@pytest.mark.parametrize(
    ("lng", "lat", "system", "message"),
    [
        (31.18, 121.44, "wgs84", "填反"),
        (-0.1, 51.5, "wgs84", "不在中国境内"),
        (121.4, 31.2, "utm", "坐标系"),
    ],
)
def test_bad_coordinates_are_refused_in_chinese(lng, lat, system, message):
    with pytest.raises(geo.CoordinateError, match=message):
        geo.to_wgs84(lng, lat, system)
