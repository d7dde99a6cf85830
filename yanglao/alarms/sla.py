"""The arithmetic of the SLA report (接警服务水平): how many alarms were answered within 60 and 180 seconds,
by hour of day, operator and street, how long handling took, and how many incoming calls were abandoned.
Pure Python (standard library only), so every rule is enumerated in tests without a database.

Definitions (docs/decisions.md, 55):

- An alarm is *answered* when an operator claims it (接警); one closed without a claim counts as answered when
  it was closed. The answer time is that moment minus ``raised_at``.
- *Within N seconds* means an answer time of at most N seconds: exactly 60.0 s is within 60 s.
- An alarm not answered yet is *missed* once more than N seconds have passed, and *pending* (left out of
  that share) until then, so a report run a moment after an alarm arrived does not count it as late.
- Time to resolution is claim → close of the alarms that have both. Median and 90th percentile use the
  nearest-rank method (the ⌈p·n⌉-th smallest value), so each figure is one real alarm's time and can be
  opened and checked.
- The abandoned-call share (呼损率) is abandoned incoming calls over incoming calls that have ended.

Targets: no Chinese standard gives an answer time (research: UNCONFIRMED). The shipped defaults are the UK
TSA code's 97.5 % within 60 s and 99 % within 180 s, and the 98.5 % within 60 s that European practice
commits to; they are labelled as such and a region may set its own (``SlaTarget``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

WITHIN_60 = 60
WITHIN_180 = 180


@dataclass(frozen=True)
class Target:
    """One answer-time target: the share of alarms answered within ``seconds`` that should be reached."""

    key: str
    seconds: int
    percent: Decimal
    label: str
    source: str


DEFAULTS: dict[str, Decimal] = {
    "within_60": Decimal("97.5"),
    "within_180": Decimal("99"),
    "strict_60": Decimal("98.5"),
}
SOURCES = {
    "within_60": ("60 秒内接警率", WITHIN_60, "英国远程照护服务协会（TSA）行业规范"),
    "within_180": ("180 秒内接警率", WITHIN_180, "英国远程照护服务协会（TSA）行业规范"),
    "strict_60": ("60 秒内接警率（高标准）", WITHIN_60, "欧洲通行做法"),
}


def targets(values: dict[str, Decimal] | None = None) -> list[Target]:
    """The three targets, from a region's own values or the shipped defaults."""
    chosen = values or DEFAULTS
    return [
        Target(key, seconds, Decimal(chosen[key]), label, source)
        for key, (label, seconds, source) in SOURCES.items()
    ]


@dataclass(frozen=True)
class AlarmTimes:
    """What the report needs of one alarm (aware datetimes)."""

    pk: int
    raised_at: dt.datetime
    claimed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    operator_id: int | None = None
    street: str = ""

    @cached_property
    def answer_seconds(self) -> float | None:
        """Seconds from raising to answering (computed once: every breakdown asks)."""
        answered = answered_at(self)
        if answered is None:
            return None
        return max(0.0, (answered - self.raised_at).total_seconds())


def answered_at(alarm: AlarmTimes) -> dt.datetime | None:
    """The claim, or the close of an alarm closed without a claim."""
    return alarm.claimed_at or alarm.closed_at


def answer_seconds(alarm: AlarmTimes) -> float | None:
    """Seconds from raising to answering; a claim stamped before the alarm (clocks) counts as 0."""
    return alarm.answer_seconds


def answered_within(alarm: AlarmTimes, seconds: int, now: dt.datetime) -> bool | None:
    """True (answered within ``seconds``), False (answered later, or unanswered past ``seconds``) or None
    (unanswered and not yet ``seconds`` old: still pending)."""
    taken = answer_seconds(alarm)
    if taken is not None:
        return taken <= seconds
    if (now - alarm.raised_at).total_seconds() > seconds:
        return False
    return None


@dataclass(frozen=True)
class Share:
    """``met`` of ``counted`` (``pending`` ones are left out of both)."""

    met: int = 0
    counted: int = 0
    pending: int = 0

    @property
    def missed(self) -> int:
        return self.counted - self.met

    @property
    def percent(self) -> Decimal | None:
        """To one decimal, half up; None when nothing was counted."""
        if not self.counted:
            return None
        exact = Decimal(self.met * 100) / Decimal(self.counted)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def meets(self, percent: Decimal) -> bool | None:
        """Exactly, without rounding: met / counted ≥ percent / 100. None when nothing was counted."""
        if not self.counted:
            return None
        return Fraction(self.met * 100, self.counted) >= Fraction(percent)


def share(alarms: Iterable[AlarmTimes], seconds: int, now: dt.datetime) -> Share:
    met = counted = pending = 0
    for alarm in alarms:
        verdict = answered_within(alarm, seconds, now)
        if verdict is None:
            pending += 1
            continue
        counted += 1
        met += verdict
    return Share(met, counted, pending)


def rank_value(
    values: Sequence[tuple[float, int]], numerator: int, denominator: int
) -> tuple[float, int] | None:
    """Nearest rank: the ⌈p·n⌉-th smallest (value, id) for p = numerator / denominator, in integers so that
    0.9 × 10 is 9, not 9.000000000000002."""
    n = len(values)
    if not n:
        return None
    rank = max(1, -(-numerator * n // denominator))
    return sorted(values)[rank - 1]


@dataclass(frozen=True)
class Resolution:
    """Claim → close of the alarms that have both: how many, median and 90th percentile (seconds, and the
    alarm whose time it is)."""

    count: int = 0
    median: tuple[float, int] | None = None
    p90: tuple[float, int] | None = None


def resolution(alarms: Iterable[AlarmTimes]) -> Resolution:
    times = [
        (max(0.0, (a.closed_at - a.claimed_at).total_seconds()), a.pk)
        for a in alarms
        if a.claimed_at is not None and a.closed_at is not None
    ]
    return Resolution(len(times), rank_value(times, 1, 2), rank_value(times, 9, 10))


@dataclass(frozen=True)
class CallTimes:
    """An incoming call: whether it has ended and whether nobody answered it."""

    ended: bool
    abandoned: bool


def abandoned_share(calls: Iterable[CallTimes]) -> Share:
    """Abandoned of the ended incoming calls; calls still ringing or in progress are pending."""
    met = counted = pending = 0
    for call in calls:
        if not call.ended:
            pending += 1
            continue
        counted += 1
        met += call.abandoned
    return Share(met, counted, pending)


@dataclass(frozen=True)
class Row:
    """One group of a breakdown: its key, alarm count and the two shares."""

    key: Hashable
    total: int
    within_60: Share
    within_180: Share


def row(key: Hashable, alarms: Sequence[AlarmTimes], now: dt.datetime) -> Row:
    return Row(key, len(alarms), share(alarms, WITHIN_60, now), share(alarms, WITHIN_180, now))


def breakdown(
    alarms: Iterable[AlarmTimes], key: Callable[[AlarmTimes], Hashable], now: dt.datetime
) -> list[Row]:
    """One row per key value, in the order keys first appear (callers sort)."""
    groups: dict[Hashable, list[AlarmTimes]] = {}
    for alarm in alarms:
        groups.setdefault(key(alarm), []).append(alarm)
    return [row(k, group, now) for k, group in groups.items()]


def by_hour(alarms: Iterable[AlarmTimes], now: dt.datetime, tz: dt.tzinfo) -> list[Row]:
    """All 24 hours of the day (local time of ``tz``), empty ones included, so the table reads as a day."""
    rows = {r.key: r for r in breakdown(alarms, lambda a: a.raised_at.astimezone(tz).hour, now)}
    return [rows.get(hour) or row(hour, [], now) for hour in range(24)]


@dataclass
class Report:
    total: int = 0
    within_60: Share = field(default_factory=Share)
    within_180: Share = field(default_factory=Share)
    by_hour: list[Row] = field(default_factory=list)
    by_operator: list[Row] = field(default_factory=list)
    by_street: list[Row] = field(default_factory=list)
    resolution: Resolution = field(default_factory=Resolution)
    abandoned: Share = field(default_factory=Share)


def report(
    alarms: Sequence[AlarmTimes], calls: Iterable[CallTimes], *, now: dt.datetime, tz: dt.tzinfo
) -> Report:
    """The whole report; operators and streets sorted by alarm count (then key), unclaimed last."""

    def order(rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: (r.key is None, -r.total, str(r.key)))

    return Report(
        total=len(alarms),
        within_60=share(alarms, WITHIN_60, now),
        within_180=share(alarms, WITHIN_180, now),
        by_hour=by_hour(alarms, now, tz),
        by_operator=order(breakdown(alarms, lambda a: a.operator_id, now)),
        by_street=order(breakdown(alarms, lambda a: a.street, now)),
        resolution=resolution(alarms),
        abandoned=abandoned_share(calls),
    )
