"""What a caregiver's phone report is judged by, without Django: the phone's clock against the server's, the
day's route, the item's checklist (shipped defaults, data/checklists.json) and the files a phone sends.

Pure, so the service, the API and the tests judge alike. Times are aware datetimes; positions are degrees.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yanglao.services.dispatch import metres

CHECKLISTS = Path(__file__).resolve().parent / "data" / "checklists.json"

# A phone's clock may run a little ahead of the server's; beyond this its time is not believed (decision 47).
CLOCK_AHEAD = dt.timedelta(minutes=5)
# A report older than this is not believed either: no offline queue waits a day.
CLOCK_OLD = dt.timedelta(hours=24)
# A report arriving this long after the phone made it was queued offline: kept, and flagged as late.
SYNC_LATE = dt.timedelta(minutes=10)

CONFIRM_TRIES = 5  # wrong family codes before the code is locked for the order
MAX_PHOTOS = 3
PHOTO_BYTES = 2 * 1024 * 1024
SIGNATURE_BYTES = 200 * 1024
NOTE_CHARS = 300


@dataclass(frozen=True)
class Clock:
    at: dt.datetime  # the time the visit is recorded at: the phone's, or the server's when the phone is wrong
    wrong: bool  # the phone's time was not believed (a "clock" alert)
    late: bool  # queued offline and sent later (synced_late)
    message: str  # Chinese, empty when nothing is wrong


def judge_clock(phone_time: dt.datetime, now: dt.datetime) -> Clock:
    """Keep the phone's time unless it is ahead of the server beyond ``CLOCK_AHEAD`` or older than
    ``CLOCK_OLD``; a report arriving more than ``SYNC_LATE`` after it was made was sent late."""
    if phone_time - now > CLOCK_AHEAD:
        ahead = (phone_time - now).total_seconds() / 60
        return Clock(now, True, False, f"手机时间比服务器快 {ahead:.0f} 分钟，已按服务器时间记录")
    if now - phone_time > CLOCK_OLD:
        hours = (now - phone_time).total_seconds() / 3600
        return Clock(now, True, False, f"手机时间比服务器慢 {hours:.0f} 小时，已按服务器时间记录")
    if now - phone_time > SYNC_LATE:
        late = (now - phone_time).total_seconds() / 60
        return Clock(phone_time, False, True, f"离线补传，晚于操作 {late:.0f} 分钟上传")
    return Clock(phone_time, False, False, "")


@dataclass(frozen=True)
class Stop:
    id: int
    start: dt.datetime
    lat: float | None
    lng: float | None


def route(stops: Sequence[Stop], origin: tuple[float, float] | None = None) -> list[int]:
    """The day's jobs in visiting order: by scheduled start, and among jobs starting in the same hour the
    nearest next from where the caregiver was last (the previous stop, or ``origin`` for the first). Stops
    without a position come last within their hour, by time."""
    out: list[int] = []
    here = origin
    by_hour: dict[dt.datetime, list[Stop]] = {}
    for stop in sorted(stops, key=lambda s: (s.start, s.id)):
        by_hour.setdefault(stop.start.replace(minute=0, second=0, microsecond=0), []).append(stop)
    for hour in sorted(by_hour):
        placed = [s for s in by_hour[hour] if s.lat is not None and s.lng is not None]
        unplaced = [s for s in by_hour[hour] if s.lat is None or s.lng is None]
        while placed:
            if here is None:
                nxt = placed[0]
            else:
                at = here
                nxt = min(placed, key=lambda s: (metres(at[0], at[1], s.lat, s.lng), s.start, s.id))  # type: ignore[arg-type]
            placed.remove(nxt)
            out.append(nxt.id)
            here = (nxt.lat, nxt.lng)  # type: ignore[assignment]
        out.extend(s.id for s in unplaced)
    return out


@functools.cache
def _checklists(path: Path = CHECKLISTS) -> dict[str, tuple[str, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {code: tuple(things) for code, things in data["items"].items()}


def checklist_for(item_code: str) -> tuple[str, ...]:
    """What to do on a visit of this item (shipped defaults, not official text)."""
    return _checklists().get(item_code, ())


def unknown_ticks(item_code: str, ticked: Sequence[object]) -> list[str]:
    """The ticked entries that are not on the item's checklist (or are not text at all)."""
    allowed = set(checklist_for(item_code))
    return [str(t)[:40] for t in ticked if not isinstance(t, str) or t not in allowed]


def image_kind(content: bytes) -> str | None:
    """``"png"`` or ``"jpeg"`` by the file's first bytes (its magic number), else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None
