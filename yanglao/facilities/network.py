"""Network (walking) distance coverage over an operator's road file. Pure (numpy, scipy), no Django.

Straight lines overstate access across rivers, rail lines and walled compounds. When an operator supplies
roads (GeoJSON LineStrings in WGS-84, projected to metres by the caller), a person is covered when the walk
— to the nearest road vertex, along the roads, then to the facility — is within the radius. Lines are
densified so no vertex is more than ``step`` metres from the next, which bounds the snapping error by
step / 2. All facilities feed one virtual source, so one Dijkstra pass (cut off at the radius) answers for
everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

Project = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class NetworkError(ValueError):
    """The road file cannot be used; the message is for users (Chinese)."""


def lines_from_geojson(data: dict) -> list[list[tuple[float, float]]]:
    """(lng, lat) vertex lists of every LineString / MultiLineString in a FeatureCollection or geometry."""
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    lines = []
    for feature in features or []:
        geometry = feature.get("geometry", feature) if isinstance(feature, dict) else None
        kind = (geometry or {}).get("type")
        coords = (geometry or {}).get("coordinates") or []
        parts = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else []
        for part in parts:
            try:
                line = [(float(p[0]), float(p[1])) for p in part]
            except (TypeError, ValueError, IndexError):
                raise NetworkError("道路文件中有无法解析的坐标") from None
            if len(line) >= 2:
                lines.append(line)
    if not lines:
        raise NetworkError("道路文件中没有线要素（LineString/MultiLineString）")
    return lines


class RoadNetwork:
    """An undirected graph of road vertices in projected metres."""

    def __init__(self, lines_xy: Iterable[np.ndarray], *, step: float = 50.0, merge: float = 0.5):
        points, edges = [], []
        offset = 0
        for line in lines_xy:
            dense = _densify(np.asarray(line, dtype=float), step)
            points.append(dense)
            n = len(dense)
            edges.append(
                np.column_stack([np.arange(offset, offset + n - 1), np.arange(offset + 1, offset + n)])
            )
            offset += n
        xy = np.vstack(points)
        # Shared vertices (crossings drawn in both lines) become one node: round to ``merge`` metres.
        keys = np.round(xy / merge).astype(np.int64)
        unique, node_of = np.unique(keys, axis=0, return_inverse=True)
        node_of = node_of.ravel()
        self.nodes = unique.astype(float) * merge
        pairs = node_of[np.vstack(edges)]
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        lengths = np.hypot(*(self.nodes[pairs[:, 0]] - self.nodes[pairs[:, 1]]).T)
        self.edges, self.lengths = pairs, lengths
        self.tree = cKDTree(self.nodes)

    def _graph(self, extra_edges: np.ndarray, extra_lengths: np.ndarray, size: int) -> csr_matrix:
        rows = np.concatenate([self.edges[:, 0], self.edges[:, 1], extra_edges[:, 0]])
        cols = np.concatenate([self.edges[:, 1], self.edges[:, 0], extra_edges[:, 1]])
        data = np.concatenate([self.lengths, self.lengths, extra_lengths])
        return coo_matrix((data, (rows, cols)), shape=(size, size)).tocsr()

    def covered(self, elders_xy: np.ndarray, facilities_xy: np.ndarray, radius: float) -> np.ndarray:
        """True where the walk from an elder to some facility is at most ``radius`` metres."""
        if len(elders_xy) == 0:
            return np.zeros(0, dtype=bool)
        if len(facilities_xy) == 0:
            return np.zeros(len(elders_xy), dtype=bool)
        f_snap, f_node = self.tree.query(facilities_xy)
        source = len(self.nodes)  # a virtual node joined to each facility's vertex by its snapping walk
        extra = np.column_stack([np.full(len(f_node), source), f_node])
        graph = self._graph(extra, np.maximum(f_snap, 1e-9), source + 1)
        dist = dijkstra(graph, directed=True, indices=source, limit=radius + 1e-9)
        e_snap, e_node = self.tree.query(elders_xy)
        return e_snap + dist[e_node] <= radius + 1e-9

    def reach(self, sources_xy: np.ndarray, targets_xy: np.ndarray, radius: float) -> list[np.ndarray]:
        """For each source (a candidate site), the indices of the targets within a ``radius`` walk: what the
        greedy site search needs. One Dijkstra per source, cut off at the radius."""
        if len(targets_xy) == 0:
            return [np.zeros(0, dtype=np.int64) for _ in range(len(sources_xy))]
        graph = self._graph(np.zeros((0, 2), dtype=np.int64), np.zeros(0), len(self.nodes))
        t_snap, t_node = self.tree.query(targets_xy)
        out = []
        for snap, node in zip(*self.tree.query(sources_xy), strict=True):
            left = radius - snap
            if left < 0:
                out.append(np.zeros(0, dtype=np.int64))
                continue
            dist = dijkstra(graph, directed=True, indices=int(node), limit=left + 1e-9)
            out.append(np.nonzero(t_snap + dist[t_node] <= left + 1e-9)[0])
        return out

    def distance(self, a_xy: np.ndarray, b_xy: np.ndarray) -> float:
        """The walk between two points (for tests and one-off questions)."""
        (sa, na), (sb, nb) = self.tree.query(a_xy), self.tree.query(b_xy)
        graph = self._graph(np.zeros((0, 2), dtype=np.int64), np.zeros(0), len(self.nodes))
        return float(sa + sb + dijkstra(graph, directed=True, indices=int(na))[int(nb)])


def _densify(line: np.ndarray, step: float) -> np.ndarray:
    out = [line[:1]]
    for a, b in pairwise(line):
        pieces = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        t = np.linspace(0, 1, pieces + 1)[1:, None]
        out.append(a + (b - a) * t)
    return np.vstack(out)


def from_geojson(data: dict, project: Project, *, step: float = 50.0) -> RoadNetwork:
    """Build the network from a road GeoJSON (WGS-84) with the caller's projection to metres."""
    lines = []
    for line in lines_from_geojson(data):
        arr = np.asarray(line)
        x, y = project(arr[:, 0], arr[:, 1])
        lines.append(np.column_stack([x, y]))
    return RoadNetwork(lines, step=step)
