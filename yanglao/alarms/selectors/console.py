"""Reads of the console part: the live queue, one alarm's caller's screen, the alarm list. Every read goes
through ``for_user``: a street sees its own alarms, another street's alarm is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils import timezone

from yanglao.alarms import filters
from yanglao.alarms.choices import AlarmStatus
from yanglao.alarms.models import Alarm, AlarmAction, DeviceEvent, VisitTask
from yanglao.core import workflows
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people.models import EmergencyContact
from yanglao.services import selectors as service_selectors
from yanglao.services.models import ServiceOffering

CONSOLE_ROWS = 100  # per section; the totals say when there are more
RECENT_EVENTS = 10
PREVIOUS_ALARMS = 10


def alarm_filterset(*, user: User, params: QueryDict | dict) -> filters.AlarmFilterSet:
    return filters.AlarmFilterSet(params, user=user)


def alarm_get(*, user: User, alarm_id: int) -> Alarm:
    """One alarm the user may see, with what its rows show; missing and out of scope are the same 404."""
    alarm = (
        Alarm.objects.for_user(user)
        .select_related("elder", "elder__region", "region", "device", "claimed_by", "closed_by")
        .filter(pk=alarm_id)
        .first()
    )
    if alarm is None:
        raise NotFound()
    return alarm


@dataclass(frozen=True)
class Console:
    """The operator's queue (报警处置台): unclaimed alarms, then those being handled, each by severity then
    age (oldest first: the longest wait is answered first)."""

    open: list[Alarm]
    claimed: list[Alarm]
    open_total: int
    claimed_total: int
    escalated: int  # unclaimed alarms past their first escalation
    now: dt.datetime


def console(*, user: User, now: dt.datetime | None = None) -> Console:
    qs = (
        Alarm.objects.for_user(user)
        .exclude(status=AlarmStatus.CLOSED)
        .select_related("elder", "region", "device", "claimed_by")
        .order_by("severity", "raised_at", "pk")
    )
    open_rows = list(qs.filter(status=AlarmStatus.OPEN)[: CONSOLE_ROWS + 1])
    claimed_rows = list(qs.filter(status=AlarmStatus.CLAIMED)[: CONSOLE_ROWS + 1])
    open_total = len(open_rows) if len(open_rows) <= CONSOLE_ROWS else qs.filter(status="open").count()
    claimed_total = (
        len(claimed_rows) if len(claimed_rows) <= CONSOLE_ROWS else qs.filter(status="claimed").count()
    )
    escalated = (
        sum(1 for a in open_rows if a.escalation_level > 0)
        if len(open_rows) <= CONSOLE_ROWS
        else qs.filter(status=AlarmStatus.OPEN, escalation_level__gt=0).count()
    )
    return Console(
        open=open_rows[:CONSOLE_ROWS],
        claimed=claimed_rows[:CONSOLE_ROWS],
        open_total=open_total,
        claimed_total=claimed_total,
        escalated=escalated,
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class TimelineRow:
    """A step with its time since the alarm was raised (what the SLA and the operator read)."""

    action: AlarmAction
    elapsed_seconds: int
    contact: EmergencyContact | None = None

    @property
    def elapsed(self) -> str:
        minutes, seconds = divmod(max(0, self.elapsed_seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return f"+{hours}:{minutes:02d}:{seconds:02d}" if hours else f"+{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class AlarmFile:
    """The caller's screen (来电弹屏/报警详情): the alarm, the person, the contacts in order, the device and its
    recent messages, the person's previous alarms, the timeline and what this user may do now."""

    alarm: Alarm
    contacts: list[EmergencyContact]
    events: list[DeviceEvent]
    previous: list[Alarm]
    timeline: list[TimelineRow]
    actions: list[str]
    visit_tasks: list[VisitTask] = field(default_factory=list)

    @property
    def can_step(self) -> bool:
        return "step" in self.actions


def alarm_timeline(*, user: User, alarm: Alarm) -> list[TimelineRow]:
    contacts = {c.position: c for c in alarm.elder.contacts.all()}
    rows = (
        AlarmAction.objects.for_user(user)
        .filter(alarm=alarm)
        .select_related("actor", "service_order__provider", "service_order__item")
        .order_by("at", "pk")
    )
    return [
        TimelineRow(
            action=a,
            elapsed_seconds=int((a.at - alarm.raised_at).total_seconds()),
            contact=contacts.get(a.contact_position) if a.contact_position else None,
        )
        for a in rows
    ]


def alarm_file(*, user: User, alarm_id: int) -> AlarmFile:
    alarm = alarm_get(user=user, alarm_id=alarm_id)
    events = (
        list(
            DeviceEvent.objects.for_user(user)
            .filter(device_id=alarm.device_id)
            .order_by("-received_at", "-pk")[:RECENT_EVENTS]
        )
        if alarm.device_id
        else []
    )
    previous = list(
        Alarm.objects.for_user(user)
        .filter(elder_id=alarm.elder_id)
        .exclude(pk=alarm.pk)
        .order_by("-raised_at", "-pk")[:PREVIOUS_ALARMS]
    )
    tasks = list(
        VisitTask.objects.for_user(user).filter(alarm=alarm).select_related("closed_by").order_by("pk")
    )
    return AlarmFile(
        alarm=alarm,
        contacts=list(alarm.elder.contacts.order_by("position")),
        events=events,
        previous=previous,
        timeline=alarm_timeline(user=user, alarm=alarm),
        actions=workflows.allowed_actions(user, alarm),
        visit_tasks=tasks,
    )


def alarm_live(*, user: User, alarm_id: int) -> AlarmFile:
    """The part of the caller's screen that follows other consoles' steps: state, timeline, forms."""
    alarm = alarm_get(user=user, alarm_id=alarm_id)
    return AlarmFile(
        alarm=alarm,
        contacts=list(alarm.elder.contacts.order_by("position")),
        events=[],
        previous=[],
        timeline=alarm_timeline(user=user, alarm=alarm),
        actions=workflows.allowed_actions(user, alarm),
    )


def alarm_offerings(*, user: User, alarm: Alarm) -> list[ServiceOffering]:
    """Offerings whose service areas cover the person's home (services' own rule), for 派服务机构上门."""
    if not user.has_perm("services.add_serviceorder"):
        return []
    return service_selectors.offerings_for_home(user=user, elder_id=alarm.elder_id)
