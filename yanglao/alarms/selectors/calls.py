"""Reads of the call records and the screen-pop, always through ``for_user``: the list's filter set, one call
with the people its number belongs to, the calls ringing at an operator's seat now, and the rows as the
list shows them (waiting and talking time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from yanglao.alarms.choices import DeviceStatus
from yanglao.alarms.device_filters import CallFilterSet
from yanglao.alarms.models import Alarm, CallRecord, Device
from yanglao.core import masking
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import code_range_q
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder, EmergencyContact

RINGING_WINDOW = dt.timedelta(minutes=5)  # the screen-pop shows calls this recent
MAX_CANDIDATES = 5
STATE_LABELS = {
    "ringing": "等待接听",
    "talking": "通话中",
    "ended": "已结束",
    "abandoned": "呼损（未接听挂断）",
}


@dataclass(frozen=True)
class Match:
    """A person the caller's number belongs to: their own phone (``contact`` None) or a contact's."""

    elder: Elder
    contact: EmergencyContact | None = None

    @property
    def via(self) -> str:
        if self.contact is None:
            return "本人"
        return self.contact.relation or "紧急联系人"


def matches(*, user: User, number_hash: str, reach: User | None = None) -> list[Match]:
    """Living people ``user`` may see (and ``reach`` may reach, by region) whose own phone or whose
    contact's phone has this blind index: own phones first, then contacts in their order."""
    if not number_hash:
        return []
    people = Elder.objects.for_user(user).filter(status=ElderStatus.ACTIVE)
    if reach is not None:
        people = people.filter(code_range_q(reach, "region_id"))
    own = [Match(e) for e in people.filter(phone_hash=number_hash).select_related("region")[:MAX_CANDIDATES]]
    contacts = (
        EmergencyContact.objects.filter(phone_hash=number_hash, elder__in=people.values("pk"))
        .select_related("elder__region")
        .order_by("elder_id", "position")[:MAX_CANDIDATES]
    )
    seen = {m.elder.pk for m in own}
    found = list(own)
    for contact in contacts:
        if contact.elder_id not in seen:
            seen.add(contact.elder_id)
            found.append(Match(contact.elder, contact))
    return found[:MAX_CANDIDATES]


def call_filterset(*, user: User, params: QueryDict | dict | None = None) -> CallFilterSet:
    return CallFilterSet(params, user=user)


def call_state(call: CallRecord) -> str:
    if call.abandoned:
        return "abandoned"
    if call.ended_at is not None:
        return "ended"
    return "talking" if call.answered_at is not None else "ringing"


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


@dataclass(frozen=True)
class CallRow:
    """A call as the list and the API show it: masked number, state, waiting and talking seconds."""

    call: CallRecord
    state: str
    state_label: str
    number_masked: str
    wait_seconds: int | None  # ringing → answered, or → hung up for an abandoned call
    talk_seconds: int | None  # answered → ended

    @property
    def pk(self) -> int:
        return self.call.pk


def call_row(call: CallRecord) -> CallRow:
    state = call_state(call)
    return CallRow(
        call=call,
        state=state,
        state_label=STATE_LABELS[state],
        number_masked=_mask(call.number),
        wait_seconds=_seconds(call.ringing_at, call.answered_at or call.ended_at),
        talk_seconds=_seconds(call.answered_at, call.ended_at) if call.answered_at else None,
    )


def _mask(number: str) -> str:
    return masking.mask_phone(number.replace("-", "")) if number else "（号码未显示）"


def call_rows(calls: Iterable[CallRecord]) -> list[CallRow]:
    return [call_row(c) for c in calls]


def call_get(*, user: User, call_pk: int) -> CallRecord:
    call = (
        CallRecord.objects.for_user(user)
        .select_related("elder__region", "operator", "region")
        .filter(pk=call_pk)
    )
    found = call.first()
    if found is None:
        raise NotFound()
    return found


def call_by_external(*, user: User, call_id: str) -> CallRecord:
    found = (
        CallRecord.objects.for_user(user)
        .select_related("elder__region", "operator", "region")
        .filter(external_id=call_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class CallScreen:
    """The caller's screen of an incoming call: the row, and every person the number belongs to that the
    user may see (the call's own person first)."""

    row: CallRow
    candidates: list[Match] = field(default_factory=list)

    @property
    def call(self) -> CallRecord:
        return self.row.call

    @property
    def headline(self) -> str:
        """ "来电：王秀英（女儿 李娟）": who is calling, as the pop-up says it."""
        if not self.candidates:
            return f"来电：{self.row.number_masked}（未匹配到老人）"
        first = self.candidates[0]
        who = first.elder.name
        if first.contact is not None:
            who += f"（{first.via} {first.contact.name}）"
        more = f" 等 {len(self.candidates)} 人" if len(self.candidates) > 1 else ""
        return f"来电：{who}{more}"


def call_screen(*, user: User, call: CallRecord) -> CallScreen:
    found = matches(user=user, number_hash=call.number_hash)
    if call.elder_id is not None:
        found.sort(key=lambda m: m.elder.pk != call.elder_id)  # the call's own person first
    return CallScreen(row=call_row(call), candidates=found)


def calls_at_seat(*, user: User, now: dt.datetime | None = None) -> QuerySet[CallRecord]:
    """Calls that rang at the user's own seat in the last minutes, newest first (the screen-pop: on a page
    load it shows the call in progress; the operator closes the card)."""
    now = now or timezone.now()
    return (
        CallRecord.objects.for_user(user)
        .filter(operator=user, ringing_at__gte=now - RINGING_WINDOW)
        .select_related("elder__region", "operator")
        .order_by("-ringing_at", "-pk")[:3]
    )


def operators_for_choice(*, user: User) -> list[User]:
    """Operators whose regions lie in the user's scope: the call list's and SLA report's operator filter."""
    return list(
        User.objects.filter(role=Role.OPERATOR, is_active=True)
        .filter(code_range_q(user, "regions__code"))
        .distinct()
        .order_by("username")[:300]
    )


def call_url(call: CallRecord) -> str:
    return reverse("alarms:call_detail", args=[call.pk])


def alarm_url(alarm_id: int | None) -> str:
    """The console's page of an alarm (the caller's screen), where the console part provides one."""
    if alarm_id is None:
        return ""
    try:
        return reverse("alarms:alarm_detail", args=[alarm_id])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class PersonCard:
    """A candidate on the call page: the match, and what an operator needs at once about the person."""

    match: Match
    contacts: list[EmergencyContact]
    devices: list[Device]
    alarms: list[tuple[Alarm, str]]


def person_cards(*, user: User, screen: CallScreen) -> list[PersonCard]:
    """The candidates with their contacts (phones masked in the template), devices and recent alarms."""
    ids = [m.elder.pk for m in screen.candidates]
    contacts: dict[int, list[EmergencyContact]] = {}
    for contact in EmergencyContact.objects.filter(elder_id__in=ids).order_by("elder_id", "position"):
        contacts.setdefault(contact.elder_id, []).append(contact)
    devices: dict[int, list[Device]] = {}
    for device in Device.objects.for_user(user).filter(elder_id__in=ids, status=DeviceStatus.ACTIVE):
        devices.setdefault(device.elder_id, []).append(device)
    alarms: dict[int, list[tuple[Alarm, str]]] = {}
    recent = (
        Alarm.objects.for_user(user).filter(elder_id__in=ids).order_by("-raised_at", "-pk")[: 5 * len(ids)]
    )
    for alarm in recent:
        alarms.setdefault(alarm.elder_id, []).append((alarm, alarm_url(alarm.pk)))
    return [
        PersonCard(
            m, contacts.get(m.elder.pk, []), devices.get(m.elder.pk, []), alarms.get(m.elder.pk, [])[:5]
        )
        for m in screen.candidates
    ]
