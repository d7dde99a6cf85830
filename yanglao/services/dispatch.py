"""Who can take an order: the provider's caregivers with the item's skill who are free in the slot, nearest
first (great-circle metres from where they set out to the home). Pure, so the provider's queue and the tests
rank alike; the manager may still choose anyone qualified."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARTH_M = 6_371_000.0


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Candidate:
    id: int
    skills: Sequence[str]
    lat: float | None
    lng: float | None
    busy: Sequence[tuple[dt.datetime, dt.datetime]]  # the slots of orders they already hold


def free(candidate: Candidate, start: dt.datetime, end: dt.datetime) -> bool:
    return all(end <= b_start or start >= b_end for b_start, b_end in candidate.busy)


def rank(
    candidates: Iterable[Candidate],
    *,
    skill: str,
    start: dt.datetime,
    end: dt.datetime,
    home: tuple[float, float] | None,
) -> list[tuple[int, float | None]]:
    """(caregiver id, metres or None when a position is unknown), the qualified and free, nearest first."""
    out = []
    for c in candidates:
        if skill not in c.skills or not free(c, start, end):
            continue
        far = metres(c.lat, c.lng, *home) if home and c.lat is not None and c.lng is not None else None
        out.append((c.id, far))
    return sorted(out, key=lambda pair: (pair[1] is None, pair[1] or 0, pair[0]))
