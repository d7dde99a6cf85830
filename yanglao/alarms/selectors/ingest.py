"""Reads of device ingestion and alarm rules: the rule book (one query for the rules a batch needs), the rules
in force for a region or a person (where each comes from), the ingest counters ``yanglao alarm-stats``
prints, and the simulator's devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, Sum

from yanglao.alarms import rules, simulation
from yanglao.alarms.choices import AlarmStatus, DeviceStatus
from yanglao.alarms.models import Alarm, AlarmRule, Device, IngestStat
from yanglao.core.errors import NotFound
from yanglao.core.models import Region, User
from yanglao.people.models import Elder

PG_RULES = """
SELECT kind, threshold, duration_seconds, active_from, active_to, silence_until, enabled, is_default,
       region_code, elder_id
FROM alarms_alarmrule WHERE elder_id IS NULL OR elder_id = ANY(%s)"""


def rule_book(*, elder_ids: Iterable[int] = ()) -> rules.RuleBook:
    """Every stored default and region rule, and these people's own: one query (the ingester asks for a
    batch's people at once, so on PostgreSQL the ids travel as one array parameter)."""
    wanted = list(elder_ids)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            return rules.RuleBook(rules.Rule(*row) for row in cursor.execute(PG_RULES, [wanted]).fetchall())
    rows = AlarmRule.objects.filter(Q(elder__isnull=True) | Q(elder_id__in=wanted))
    return rules.RuleBook(as_rule(row) for row in rows)


def as_rule(row: AlarmRule) -> rules.Rule:
    return rules.Rule(
        kind=row.kind,
        threshold=row.threshold,
        duration_seconds=row.duration_seconds,
        active_from=row.active_from,
        active_to=row.active_to,
        silence_until=row.silence_until,
        enabled=row.enabled,
        is_default=row.is_default,
        region_code=row.region_id,
        elder_id=row.elder_id,
    )


@dataclass(frozen=True)
class RuleRow:
    kind: str
    spec: rules.Spec
    rule: rules.Rule  # the values in force
    source: str  # own (this region's or person's) | inherited (a region above) | default
    source_name: str  # the region the inherited rule comes from, for pages

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def threshold_text(self) -> str:
        if self.rule.threshold is None:
            return "—"
        return f"{self.rule.threshold:g} {self.spec.unit}".strip()

    @property
    def duration_text(self) -> str:
        seconds = self.rule.duration_seconds
        if not seconds:
            return "—" if not self.spec.duration_hi else "立即"
        if seconds % 3600 == 0:
            return f"{seconds // 3600} 小时"
        if seconds % 60 == 0:
            return f"{seconds // 60} 分钟"
        return f"{seconds} 秒"

    @property
    def window_text(self) -> str:
        rule = self.rule
        if rule.active_from is None or rule.active_to is None or rule.active_from == rule.active_to:
            return "全天"
        return f"{rule.active_from:%H:%M}–{rule.active_to:%H:%M}"


def _rows(
    book: rules.RuleBook, *, region_code: str, elder_id: int | None, own_region: str | None
) -> list[RuleRow]:
    found = [(kind, book.resolve(kind, region_code=region_code, elder_id=elder_id)) for kind in rules.KINDS]
    names = dict(
        Region.objects.filter(code__in={r.region_code for _, r in found if r.region_code}).values_list(
            "code", "name"
        )
    )
    out = []
    for kind, rule in found:
        if rule.level == "person" or (own_region and rule.region_code == own_region):
            source = "own"
        elif rule.level == "region":
            source = "inherited"
        else:
            source = "default"
        out.append(RuleRow(kind, rules.SPECS[kind], rule, source, names.get(rule.region_code or "", "")))
    return out


def rules_for_region(*, user: User, region_code: str) -> list[RuleRow]:
    """Each kind's rule in force for people living in ``region_code`` (a region in the user's scope)."""
    if not user.has_perm("alarms.view_alarmrule"):
        raise PermissionDenied
    if (
        not region_code
        or not user.in_scope(region_code)
        or not Region.objects.filter(code=region_code).exists()
    ):
        raise NotFound()
    return _rows(rule_book(), region_code=region_code, elder_id=None, own_region=region_code)


def rules_for_person(*, user: User, elder_id: int) -> tuple[Elder, list[RuleRow]]:
    """Each kind's rule in force for one person in the user's scope: theirs, their region's or the default."""
    if not user.has_perm("alarms.view_alarmrule"):
        raise PermissionDenied
    elder = Elder.objects.for_user(user).filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    return elder, _rows(
        rule_book(elder_ids=[elder.pk]), region_code=elder.region_id, elder_id=elder.pk, own_region=None
    )


def rule_kind_row(*, user: User, kind: str, region_code: str) -> RuleRow:
    if kind not in rules.SPECS:
        raise NotFound()
    return next(row for row in rules_for_region(user=user, region_code=region_code) if row.kind == kind)


def ingest_stats(*, since: dt.datetime | None = None) -> dict[str, int]:
    """What ``alarm-stats`` prints: message counters since ``since`` (all time without it), summed over both
    paths and every ingester, and the alarms not closed now. For operations staff on the server: unscoped
    counts, no personal data."""
    stats = IngestStat.objects.all()
    if since is not None:
        stats = stats.filter(minute__gte=since.replace(second=0, microsecond=0))
    sums = stats.aggregate(
        received=Sum("received"),
        accepted=Sum("accepted"),
        duplicates=Sum("duplicates"),
        rejected=Sum("rejected"),
    )
    open_alarms = (
        Alarm.objects.unscoped(reason="alarm-stats counts open alarms for operations")
        .exclude(status=AlarmStatus.CLOSED)
        .count()
    )
    return {**{name: int(value or 0) for name, value in sums.items()}, "alarms_open": open_alarms}


def simulated_devices(*, secret: str, limit: int) -> list[simulation.SimDevice]:
    """Active simulated devices (serial ``SIM-…``), with their keys and homes, for the simulator."""
    rows = (
        Device.objects.unscoped(reason="the device simulator sends as its own devices")
        .filter(serial__startswith=simulation.SERIAL_PREFIX, status=DeviceStatus.ACTIVE)
        .order_by("serial")
        .values_list("serial", "kind", "elder__lat", "elder__lng")[:limit]
    )
    return [
        simulation.SimDevice(
            serial=serial,
            key=simulation.sim_key(serial, secret),
            kind=kind,
            home=(lat, lng) if lat is not None and lng is not None else None,
        )
        for serial, kind, lat, lng in rows
    ]
