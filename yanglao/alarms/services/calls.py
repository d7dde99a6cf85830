"""Incoming calls and the screen-pop (来电弹屏): the telephony system reports a call ringing at an operator's
seat, we record it matched to a person and tell that operator's open pages at once; the system then
reports when it was answered and when it ended, and the operator may turn the call into a 来电求助 alarm.

Matching: the caller's number, normalised like the registry's phones, is looked up by its blind index —
first among people's own phones (``Elder.phone_hash``), then among their emergency contacts' phones
(``EmergencyContact.phone_hash``, people migration 0010) — among the living people the operator may see
and the reporting account may reach. One person found is the call's person; several (a couple sharing a
line, a daughter who is both parents' contact) leave the choice to the operator, who sees them all.

Idempotent on the telephony call id (``CallRecord.external_id``): a repeated report changes nothing and
pops nothing twice. The live event (``alarms.call``) carries the call's id and state only and is addressed
to the answering operator alone (``user_id``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, CallDirection
from yanglao.alarms.errors import InvalidCall
from yanglao.alarms.models import Alarm, CallRecord
from yanglao.alarms.selectors.calls import Match, matches
from yanglao.alarms.services.raising import alarm_raise
from yanglao.core import events, masking
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people.identity import IdentityError, normalise_phone
from yanglao.people.models import Elder

TOPIC = "alarms.call"


def caller_number(raw: str) -> str:
    """The registry's form of a phone (so its blind index matches), or the digits as given when it is not
    a phone number the registry would hold (a withheld or foreign number: stored, never matched)."""
    try:
        return normalise_phone(raw)
    except IdentityError:
        return re.sub(r"[^\d+\-]", "", raw)[:30]


def _the_person(found: list[Match]) -> Elder | None:
    """One person by their own phone, else one person by a contact's; otherwise the operator chooses."""
    own = [m for m in found if m.contact is None]
    if own:
        return own[0].elder if len(own) == 1 else None
    return found[0].elder if len(found) == 1 else None


def _operator(username: str) -> User:
    operator = User.objects.filter(username=username, is_active=True).first()
    if operator is None or not operator.has_perm("alarms.handle_alarm"):
        message = f"坐席账号“{username[:30]}”不存在或不是接警坐席"
        raise InvalidCall(message, fields={"operator": message}, code="alarms.call_operator_unknown")
    return operator


def _seat_region(operator: User, actor: User) -> str:
    """Where an unmatched call is filed: the operator's first region the reporting account reaches."""
    for user in (operator, actor):
        for code in user.regions.order_by("code").values_list("code", flat=True):
            if actor.in_scope(code):
                return code
    message = "坐席账号没有可归属的管辖区划"
    raise InvalidCall(message, fields={"operator": message}, code="alarms.call_no_region")


def _publish(call: CallRecord, action: str) -> None:
    if call.operator_id:
        events.publish_on_commit(TOPIC, {"id": call.pk, "action": action}, user_id=call.operator_id)


@dataclass(frozen=True)
class Incoming:
    call: CallRecord
    created: bool


@transaction.atomic
def call_incoming(
    *, actor: User, call_id: str, caller: str, operator: str, at: dt.datetime | None = None
) -> Incoming:
    """A call ringing at ``operator``'s seat: recorded, matched, popped on the operator's pages."""
    if not actor.has_perm("alarms.add_callrecord"):
        raise PermissionDenied
    existing = CallRecord.objects.unscoped(reason="idempotency on the telephony call id").filter(
        external_id=call_id
    )
    found = existing.first()
    if found is not None:
        if not CallRecord.objects.for_user(actor).filter(pk=found.pk).exists():
            message = "该话单编号已被使用"
            raise InvalidCall(message, fields={"call_id": message}, code="alarms.call_id_taken")
        return Incoming(found, False)
    seat = _operator(operator)
    number = caller_number(caller)
    number_hash = blind_index(number) if number else ""
    person = _the_person(matches(user=seat, number_hash=number_hash, reach=actor))
    try:
        with transaction.atomic():
            call = CallRecord.objects.create(
                external_id=call_id,
                direction=CallDirection.INCOMING,
                number=number,
                number_hash=number_hash,
                elder=person,
                region_id=person.region_id if person else _seat_region(seat, actor),
                operator=seat,
                ringing_at=at or timezone.now(),
            )
    except IntegrityError:  # the same call reported twice at once: the first one stands
        raced = existing.first()
        if raced is None:
            raise
        return Incoming(raced, False)
    ensure_in_scope(call, actor, "add")
    _publish(call, "ringing")
    return Incoming(call, True)


def _call_for_change(actor: User, call_id: str) -> CallRecord:
    call = (
        CallRecord.objects.for_user(actor, action="change")
        .select_for_update()
        .filter(external_id=call_id)
        .first()
    )
    if call is None:
        raise NotFound()
    return call


def _check_order(at: dt.datetime, after: dt.datetime, what: str, earlier: str) -> None:
    if at < after:
        message = f"{what}时间不能早于{earlier}时间"
        raise InvalidCall(message, fields={"at": message}, code="alarms.call_time_out_of_order")


@transaction.atomic
def call_answered(*, actor: User, call_id: str, at: dt.datetime | None = None) -> CallRecord:
    """The operator picked up. Repeating it keeps the first time; a call that ended unanswered cannot be
    answered afterwards."""
    call = _call_for_change(actor, call_id)
    if call.answered_at is not None:
        return call
    if call.ended_at is not None:
        message = "该来电已挂断，不能再记为接听"
        raise InvalidCall(message, fields={"at": message}, code="alarms.call_already_ended")
    at = at or timezone.now()
    _check_order(at, call.ringing_at, "接听", "振铃")
    call.answered_at = at
    call.save(update_fields=["answered_at"])
    ensure_in_scope(call, actor, "change")
    _publish(call, "answered")
    return call


@transaction.atomic
def call_ended(*, actor: User, call_id: str, at: dt.datetime | None = None) -> CallRecord:
    """The call ended; without an answer it is abandoned (呼损). Repeating it keeps the first time."""
    call = _call_for_change(actor, call_id)
    if call.ended_at is not None:
        return call
    at = at or timezone.now()
    _check_order(at, call.answered_at or call.ringing_at, "挂断", "接听" if call.answered_at else "振铃")
    call.ended_at = at
    call.abandoned = call.answered_at is None
    call.save(update_fields=["ended_at", "abandoned"])
    ensure_in_scope(call, actor, "change")
    _publish(call, "ended")
    return call


@transaction.atomic
def call_alarm_raise(*, actor: User, call_pk: int, elder_id: int | None = None) -> Alarm:
    """创建来电求助报警: a 来电求助 alarm for the caller's person (or the one the operator chose among the
    candidates), linked to the call. Repeating it returns the same alarm."""
    if not actor.has_perm("alarms.handle_alarm"):
        raise PermissionDenied
    call = CallRecord.objects.for_user(actor, action="change").select_for_update().filter(pk=call_pk).first()
    if call is None:
        raise NotFound()
    if call.alarm_id is not None:
        return Alarm.objects.for_user(actor).get(pk=call.alarm_id)
    chosen = elder_id or call.elder_id
    if chosen is None:
        message = "未匹配到来电老人，请先在候选老人中选择"
        raise InvalidCall(message, fields={"elder_id": message}, code="alarms.call_no_person")
    found = {m.elder.pk: m for m in matches(user=actor, number_hash=call.number_hash)}
    match = found.get(chosen)
    if match is None and chosen == call.elder_id:
        person = Elder.objects.for_user(actor).filter(pk=chosen).first()
        match = Match(person) if person is not None else None
    if match is None:
        message = "所选老人不是该来电号码的匹配对象，或不在您的管辖范围内"
        raise NotFound(message, fields={"elder_id": message})
    who = "老人本人来电" if match.contact is None else f"{match.via} {match.contact.name} 来电"
    alarm, _created = alarm_raise(
        elder=match.elder,
        kind=AlarmKind.CALL,
        at=timezone.now(),
        message=f"来电求助：{who}（{masking.mask_phone(call.number)}）",
    )
    call.alarm = alarm
    fields = ["alarm"]
    if call.elder_id != match.elder.pk:
        call.elder, call.region_id = match.elder, match.elder.region_id
        fields += ["elder", "region"]
    call.save(update_fields=fields)
    ensure_in_scope(call, actor, "change")
    return alarm
