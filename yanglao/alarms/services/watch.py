"""The watch (every minute, huey; ``yanglao alarm-watch`` for one pass now): what silence means.

- A device silent for more than its rule's number of heartbeat intervals (默认 3) goes offline and raises an
  OFFLINE alarm; any message from it later puts it back online (the ingester does that).
- A person living alone whose door and motion sensors have reported no activity for the rule's duration, inside
  the rule's window (默认 07:00–21:00, 12 小时), raises a NO_ACTIVITY alarm, once per silence: not again until
  some activity has been seen since.

Bulk reads narrowed by the loosest rule in force (one indexed query each), the rules judged in Python
(``alarms/rules.py``), alarms raised through ``alarm_raise`` only. Rows being handled by another watcher are
skipped (``SKIP LOCKED`` on PostgreSQL), so two watchers never raise twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from yanglao.alarms import rules
from yanglao.alarms.choices import AlarmKind, DeviceKind, DeviceStatus
from yanglao.alarms.models import Alarm, AlarmRule, Device
from yanglao.alarms.selectors.ingest import rule_book
from yanglao.alarms.services.raising import alarm_raise
from yanglao.people.choices import ElderStatus, LivingArrangement
from yanglao.people.models import Elder

ACTIVITY_KINDS = (DeviceKind.DOOR, DeviceKind.MOTION)


def alarm_watch(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One pass of both watches; how many devices went offline and how many people raised no-activity."""
    now = now or timezone.now()
    return {"offline": devices_offline(now=now), "no_activity": people_inactive(now=now)}


def _loosest(kind: str, field: str, default: float) -> float:
    """The smallest threshold or duration of ``kind`` stored anywhere (regions, people): candidates are
    read with it, then each is judged by its own rule."""
    stored = AlarmRule.objects.filter(kind=kind, enabled=True).aggregate(low=Min(field))["low"]
    return min(default, stored) if stored is not None else default


@transaction.atomic
def devices_offline(*, now: dt.datetime) -> int:
    active = Device.objects.unscoped(reason="the offline watch reads every active device").filter(
        status=DeviceStatus.ACTIVE
    )
    shortest = active.aggregate(low=Min("heartbeat_seconds"))["low"]
    if not shortest:
        return 0
    missed = _loosest(
        rules.HEARTBEAT_MISSED, "threshold", rules.DEFAULTS[rules.HEARTBEAT_MISSED].threshold or 3
    )
    cutoff = now - dt.timedelta(seconds=missed * shortest)
    candidates = list(
        active.filter(online=True, last_seen_at__lt=cutoff)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("id", "elder_id", "region_id", "last_seen_at", "heartbeat_seconds")
    )
    if not candidates:
        return 0
    book = rule_book(elder_ids={elder_id for _, elder_id, *_ in candidates})
    local = timezone.localtime(now).time()
    silent: list[tuple[int, int, dt.datetime, int]] = []
    for pk, elder_id, region_code, last_seen, heartbeat in candidates:
        rule = book.resolve(rules.HEARTBEAT_MISSED, region_code=region_code, elder_id=elder_id)
        if rule.threshold is None or not rules.active(rule, now=now, local_time=local):
            continue
        if rules.offline(last_seen=last_seen, heartbeat_seconds=heartbeat, missed=rule.threshold, now=now):
            silent.append((pk, elder_id, last_seen, heartbeat))
    if not silent:
        return 0
    Device.objects.unscoped(reason="devices the watch found silent").filter(
        pk__in=[s[0] for s in silent]
    ).update(online=False)
    devices = Device.objects.unscoped(reason="raise the offline alarm").in_bulk([s[0] for s in silent])
    elders = _elders({s[1] for s in silent})
    for pk, elder_id, last_seen, heartbeat in silent:
        minutes = max(1, round((now - last_seen).total_seconds() / 60))
        alarm_raise(
            elder=elders[elder_id],
            device=devices[pk],
            kind=AlarmKind.OFFLINE,
            at=now,
            message=f"设备已 {minutes} 分钟未上报（心跳间隔 {max(1, heartbeat // 60)} 分钟）",
        )
    return len(silent)


@transaction.atomic
def people_inactive(*, now: dt.datetime) -> int:
    longest_quiet = _loosest(
        rules.NO_ACTIVITY, "duration_seconds", rules.DEFAULTS[rules.NO_ACTIVITY].duration_seconds
    )
    cutoff = now - dt.timedelta(seconds=longest_quiet)
    sensors = Device.objects.unscoped(reason="the no-activity watch reads door and motion sensors").filter(
        status=DeviceStatus.ACTIVE,
        kind__in=ACTIVITY_KINDS,
        elder__living_arrangement=LivingArrangement.ALONE,
        elder__status=ElderStatus.ACTIVE,
    )
    quiet = list(
        sensors.values("elder_id", "region_id")
        .annotate(last=Max("last_activity_at"))
        .filter(last__lt=cutoff)
        .values_list("elder_id", "region_id", "last")
    )
    if not quiet:
        return 0
    book = rule_book(elder_ids={elder_id for elder_id, _, _ in quiet})
    local = timezone.localtime(now).time()
    due: dict[int, dt.datetime] = {}
    for elder_id, region_code, last in quiet:
        rule = book.resolve(rules.NO_ACTIVITY, region_code=region_code, elder_id=elder_id)
        if rules.active(rule, now=now, local_time=local) and rules.inactive_since(
            last_activity=last, now=now, rule=rule
        ):
            due[elder_id] = last
    if not due:
        return 0
    # Once per silence: an alarm raised since the last activity (open or closed) stands for this one.
    raised = Alarm.objects.unscoped(reason="no-activity alarms already raised").filter(
        kind=AlarmKind.NO_ACTIVITY, elder_id__in=list(due), raised_at__gte=min(due.values())
    )
    for elder_id, raised_at in raised.values_list("elder_id", "raised_at"):
        if elder_id in due and raised_at >= due[elder_id]:
            del due[elder_id]
    if not due:
        return 0
    latest: dict[int, Device] = {}
    for sensor in sensors.filter(elder_id__in=list(due)).select_for_update(skip_locked=True, of=("self",)):
        best = latest.get(sensor.elder_id)
        if best is None or (sensor.last_activity_at or now) > (best.last_activity_at or now):
            latest[sensor.elder_id] = sensor
    elders = _elders(set(due))
    raised_count = 0
    for elder_id, last in due.items():
        if elder_id not in latest:
            continue  # another watcher holds this person's sensors right now
        hours = (now - last).total_seconds() / 3600
        alarm_raise(
            elder=elders[elder_id],
            device=latest[elder_id],
            kind=AlarmKind.NO_ACTIVITY,
            at=now,
            message=f"独居老人已 {hours:.0f} 小时无门磁或活动感应记录",
        )
        raised_count += 1
    return raised_count


def _elders(ids: set[int]) -> dict[int, Elder]:
    return (
        Elder.objects.unscoped(reason="the person an alarm of the watch is about")
        .only("id", "region")
        .in_bulk(ids)
    )
