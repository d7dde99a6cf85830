"""Escalation timers (超时升级): when an alarm is raised a job is set for the moment it would first escalate;
the job runs the bulk, idempotent ``alarm_escalate_due`` and sets itself again for the alarm's next level while
it stays unclaimed. A sweep every minute catches whatever a lost job (a restarted consumer) missed.

Both run in the one huey consumer (``yanglao run_huey``): with SqliteHuey (the embedded default) the timers
wait in ``var/huey.sqlite3`` and the consumer's scheduler moves them to the queue when due (it looks every
second); with Redis huey (production) the same in Redis. Under the test settings huey is immediate: a timer
set in the future waits in memory and never runs, so tests call ``alarm_escalate_due`` with their own ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.alarms.services import console
from yanglao.core import audit

log = logging.getLogger(__name__)


@task()
def escalate_alarm(alarm_id: int) -> list[int]:
    """The timer of one alarm: escalate every alarm due now (this one among them), then wait for its next
    level, unless it was claimed or closed meanwhile."""
    with audit.acting_as(None, via="定时任务：报警超时升级"):
        moved = console.alarm_escalate_due(now=timezone.now())
    schedule(alarm_id)
    return moved


def schedule(alarm_id: int, at: dt.datetime | None = None) -> None:
    """Set the timer of ``alarm_id`` for ``at`` (default: its next escalation time; none: nothing to set)."""
    due = at or console.alarm_escalation_due_at(alarm_id=alarm_id)
    if due is None:
        return
    escalate_alarm.using(run_after=due).enqueue(alarm_id)


def schedule_on_commit(alarm_id: int, raised_at: dt.datetime) -> None:
    """From ``alarm_raise``: the first timer, after the alarm is committed. A queue that cannot take it only
    delays the escalation to the next sweep, so a failure is logged and never fails the raise."""
    due = raised_at + dt.timedelta(seconds=console.escalate_seconds())
    transaction.on_commit(lambda: schedule(alarm_id, due), robust=True)


@db_periodic_task(crontab(minute="*"))
@audit.acting_as(None, via="定时任务：报警超时升级巡检")
def sweep_escalations() -> int:
    """Every minute: the safety net behind the timers."""
    return len(console.alarm_escalate_due(now=timezone.now()))
