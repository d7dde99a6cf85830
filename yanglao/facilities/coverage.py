"""Service-circle coverage: which elders live within a radius of a facility, by region, and where K new
sites would cover the most of those left out. Pure (numpy, scipy), no Django.

Distances are straight lines in projected metres (geo.project). A k-d tree over facilities answers "is there
one within r" for a million elders in about a second; the site search is greedy maximal coverage, which is
within 1 − 1/e of the optimum and is what planners can explain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


def covered(elders_xy: np.ndarray, facilities_xy: np.ndarray, radius: float) -> np.ndarray:
    """Boolean mask: True where an elder has at least one facility within ``radius`` metres."""
    if len(elders_xy) == 0:
        return np.zeros(0, dtype=bool)
    if len(facilities_xy) == 0:
        return np.zeros(len(elders_xy), dtype=bool)
    # The bound is exclusive in scipy; a facility exactly at the radius covers (as query_ball_point does).
    bound = np.nextafter(radius, np.inf)
    distances, _ = cKDTree(facilities_xy).query(elders_xy, k=1, distance_upper_bound=bound)
    return np.isfinite(distances)


@dataclass(frozen=True)
class RegionCoverage:
    key: str
    elders: int
    covered: int

    @property
    def share(self) -> float:
        return self.covered / self.elders if self.elders else 0.0


def by_region(mask: np.ndarray, region_keys: np.ndarray) -> list[RegionCoverage]:
    """Elders and covered elders per region key (e.g. a street's 9-digit prefix), sorted by key."""
    keys, inverse = np.unique(region_keys, return_inverse=True)
    totals = np.bincount(inverse, minlength=len(keys))
    hits = np.bincount(inverse, weights=mask.astype(np.int64), minlength=len(keys)).astype(np.int64)
    return [RegionCoverage(str(k), int(t), int(h)) for k, t, h in zip(keys, totals, hits, strict=True)]


@dataclass(frozen=True)
class SitePick:
    candidate: int  # index into the candidates array
    gain: int  # elders newly covered by this pick


def suggest_sites(
    uncovered_xy: np.ndarray,
    candidates_xy: np.ndarray,
    radius: float,
    k: int,
    reach: list[np.ndarray] | None = None,
) -> list[SitePick]:
    """Greedy maximal coverage: pick up to ``k`` candidates, each covering the most still-uncovered elders.

    ``reach`` (the uncovered elders' indices each candidate would serve) defaults to straight lines; a road
    network passes its own. Ties go to the lower candidate index, so results are deterministic. Stops early
    when no candidate adds anyone.
    """
    if k <= 0 or len(uncovered_xy) == 0 or len(candidates_xy) == 0:
        return []
    if reach is None:
        reach = cKDTree(uncovered_xy).query_ball_point(candidates_xy, r=radius)
    sets = [np.asarray(r, dtype=np.int64) for r in reach]
    taken = np.zeros(len(uncovered_xy), dtype=bool)
    picks: list[SitePick] = []
    chosen: set[int] = set()
    for _ in range(k):
        best, best_gain = -1, 0
        for index, members in enumerate(sets):
            if index in chosen or len(members) <= best_gain:
                continue
            gain = int(np.count_nonzero(~taken[members]))
            if gain > best_gain:
                best, best_gain = index, gain
        if best < 0:
            break
        chosen.add(best)
        taken[sets[best]] = True
        picks.append(SitePick(best, best_gain))
    return picks


@dataclass(frozen=True)
class Cluster:
    x: float  # mean position of the cell's elders, projected metres
    y: float
    elders: int


def clusters(uncovered_xy: np.ndarray, cell: float = 300.0, minimum: int = 5) -> list[Cluster]:
    """Uncovered elders aggregated on a ``cell``-metre grid: cells with at least ``minimum`` people, largest
    first. Only counts and cell means leave this function, never a person's position."""
    if len(uncovered_xy) == 0:
        return []
    cells = np.floor(uncovered_xy / cell).astype(np.int64)
    keys, inverse, counts = np.unique(cells, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    sx = np.bincount(inverse, weights=uncovered_xy[:, 0], minlength=len(keys))
    sy = np.bincount(inverse, weights=uncovered_xy[:, 1], minlength=len(keys))
    order = np.argsort(-counts, kind="stable")
    return [
        Cluster(float(sx[i] / counts[i]), float(sy[i] / counts[i]), int(counts[i]))
        for i in order
        if counts[i] >= minimum
    ]


def centres_of_gravity(xy: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean position of the people of each key (e.g. a residents' committee): the default site candidates."""
    if len(xy) == 0:
        return np.array([], dtype=str), np.zeros((0, 2))
    unique, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(unique))
    sx = np.bincount(inverse, weights=xy[:, 0], minlength=len(unique))
    sy = np.bincount(inverse, weights=xy[:, 1], minlength=len(unique))
    return unique, np.column_stack([sx / counts, sy / counts])
