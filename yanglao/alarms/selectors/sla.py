"""Reads of the SLA report (接警服务水平): the alarms and incoming calls of a period in the user's scope,
handed to the pure arithmetic of ``alarms/sla.py``, with the names the tables show and the targets in force
for the region the report is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone

from yanglao.alarms import sla
from yanglao.alarms.choices import CallDirection
from yanglao.alarms.models import Alarm, CallRecord, SlaTarget
from yanglao.alarms.selectors.calls import alarm_url
from yanglao.alarms.sla_filters import SlaAlarmFilterSet, day_start
from yanglao.core import divisions
from yanglao.core.models import Region, User

REPORT_KEYS = ("start", "end", "scope", "street")


def sla_filterset(
    *, user: User, params: QueryDict | dict | None = None, now: dt.datetime | None = None
) -> SlaAlarmFilterSet:
    return SlaAlarmFilterSet(params, user=user, now=now)


def report_region(*, user: User, street: str = "") -> str:
    """The region a report is about: the street asked for (in scope), else the user's first region."""
    if street and len(street) == 12 and street.isdigit() and user.in_scope(street):
        return street
    first = user.regions.order_by("code").values_list("code", flat=True).first()
    return first or ""


@dataclass(frozen=True)
class Targets:
    targets: list[sla.Target]
    own: SlaTarget | None  # None: the shipped defaults (系统默认值)


def sla_targets(*, region_code: str) -> Targets:
    """The targets of the nearest region at or above ``region_code`` that set its own, else the defaults."""
    if not region_code:
        return Targets(sla.targets(), None)
    codes = divisions.ancestors_and_self(region_code)
    rows = {t.region_id: t for t in SlaTarget.objects.filter(region_id__in=codes).select_related("region")}
    for code in codes:
        if code in rows:
            own = rows[code]
            values = {"within_60": own.within_60, "within_180": own.within_180, "strict_60": own.strict_60}
            return Targets(sla.targets(values), own)
    return Targets(sla.targets(), None)


@dataclass
class SlaFigures:
    """One report: its period and filter, the figures, the names its tables show, and the targets."""

    start: dt.date
    end: dt.date
    scope: str
    street: str
    report: sla.Report
    targets: Targets
    region_code: str
    operators: dict[int, str] = field(default_factory=dict)
    streets: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return self._link()

    def street_name(self, code: str) -> str:
        return self.streets.get(code, code)

    @property
    def checks(self) -> list[tuple[sla.Target, sla.Share, bool | None]]:
        """Each target with the share it is measured on and whether it is met (exactly, not rounded)."""
        shares = {sla.WITHIN_60: self.report.within_60, sla.WITHIN_180: self.report.within_180}
        out = []
        for target in self.targets.targets:
            share = shares[target.seconds]
            out.append((target, share, share.meets(target.percent)))
        return out

    def _link(self, **extra: object) -> str:
        return urlencode({**self.params, **extra})

    @property
    def params(self) -> dict[str, str]:
        """The report's own filter (period, scope, street): every drill-down link starts from it."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat(), "scope": self.scope}
        return out | ({"street": self.street} if self.street else {})

    @property
    def operator_rows(self) -> list[tuple[str, sla.Row, str]]:
        return [
            (self.operators.get(r.key, "") if r.key else "未接警", r, self._link(operator=r.key or "none"))
            for r in self.report.by_operator
        ]

    @property
    def street_rows(self) -> list[tuple[str, sla.Row, str]]:
        return [(self.street_name(r.key), r, self._link(street=r.key)) for r in self.report.by_street]

    @property
    def hour_rows(self) -> list[tuple[str, sla.Row, str]]:
        return [(f"{r.key:02d}:00–{r.key:02d}:59", r, self._link(hour=r.key)) for r in self.report.by_hour]

    @property
    def median(self) -> tuple[str, int, str] | None:
        return self._rank(self.report.resolution.median)

    @property
    def p90(self) -> tuple[str, int, str] | None:
        return self._rank(self.report.resolution.p90)

    @property
    def resolution_rows(self) -> list[tuple[str, tuple[str, int, str] | None]]:
        return [("中位数", self.median), ("第 90 百分位", self.p90)]

    @staticmethod
    def _rank(found: tuple[float, int] | None) -> tuple[str, int, str] | None:
        """(the time in words, the alarm whose time it is, its page)."""
        if found is None:
            return None
        return duration_text(found[0]), found[1], alarm_url(found[1])


def duration_text(seconds: float) -> str:
    """4 小时 5 分 20 秒, 5 分 20 秒, 20 秒: whole seconds, as a person reads a handling time."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分 {secs} 秒"
    if minutes:
        return f"{minutes} 分 {secs} 秒"
    return f"{secs} 秒"


def sla_figures(
    *, user: User, params: QueryDict | dict | None = None, now: dt.datetime | None = None
) -> SlaFigures:
    now = now or timezone.now()
    given = params or {}
    kept = QueryDict(mutable=True)
    for key in REPORT_KEYS:
        value = given.get(key)
        if value:
            kept[key] = value
    fs = sla_filterset(user=user, params=kept, now=now)
    start, end = fs.period()
    data = fs.form.cleaned_data if fs.form.is_valid() else {}
    scope, street = data.get("scope") or "help", (data.get("street") or "").strip()
    alarms = [
        sla.AlarmTimes(pk, raised, claimed, closed, operator, region[:9] + "000")
        for pk, raised, claimed, closed, operator, region in fs.qs.order_by().values_list(
            "pk", "raised_at", "claimed_at", "closed_at", "claimed_by_id", "region_id"
        )
    ]
    calls = CallRecord.objects.for_user(user).filter(
        direction=CallDirection.INCOMING,
        ringing_at__gte=day_start(start),
        ringing_at__lt=day_start(end + dt.timedelta(days=1)),
    )
    if street:
        calls = calls.in_region(street)
    report = sla.report(
        alarms,
        [
            sla.CallTimes(ended is not None, abandoned)
            for ended, abandoned in calls.values_list("ended_at", "abandoned")
        ],
        now=now,
        tz=timezone.get_current_timezone(),
    )
    operator_ids = {r.key for r in report.by_operator if r.key is not None}
    street_codes = {r.key for r in report.by_street}
    region_code = report_region(user=user, street=street)
    return SlaFigures(
        start=start,
        end=end,
        scope=scope,
        street=street,
        report=report,
        targets=sla_targets(region_code=region_code),
        region_code=region_code,
        operators={u.pk: str(u) for u in User.objects.filter(pk__in=operator_ids)},
        streets=dict(Region.objects.filter(code__in=street_codes).values_list("code", "name")),
    )


@dataclass(frozen=True)
class SlaAlarmRow:
    alarm: Alarm
    answer_seconds: float | None
    handling_seconds: float | None

    @property
    def handling_text(self) -> str:
        return "" if self.handling_seconds is None else duration_text(self.handling_seconds)


def sla_alarm_rows(alarms: list[Alarm]) -> list[SlaAlarmRow]:
    """The drill-down rows with the times the figures counted (``answered`` annotated by the filter set)."""
    rows = []
    for alarm in alarms:
        times = sla.AlarmTimes(alarm.pk, alarm.raised_at, alarm.claimed_at, alarm.closed_at)
        handling = None
        if alarm.claimed_at and alarm.closed_at:
            handling = max(0.0, (alarm.closed_at - alarm.claimed_at).total_seconds())
        rows.append(SlaAlarmRow(alarm, sla.answer_seconds(times), handling))
    return rows


def may_edit_targets(*, user: User, region_code: str) -> bool:
    return bool(region_code) and user.has_perm("alarms.change_slatarget") and user.in_scope(region_code)
