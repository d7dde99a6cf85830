"""The calls API: the telephony system reports a call ringing at an operator's seat, answered and ended
(authenticated by an API token whose user has ``alarms.add_callrecord`` / ``change_callrecord``; idempotent
on ``call_id``); the operator's pages ask what rings at their seat (the screen-pop); call records are listed
with the page's filters. Numbers are always masked. Thin."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from yanglao.alarms.device_filters import CallFilterSet
from yanglao.alarms.device_schemas import CallOut, CallTimeIn, IncomingCallIn
from yanglao.alarms.selectors import calls as selectors
from yanglao.alarms.services import calls as services
from yanglao.core import lists

router = Router(tags=["来电与通话记录"])

CallFilterIn = lists.filter_schema(CallFilterSet, "CallFilterIn")


def _out(call, screen=None) -> dict:
    row = selectors.call_row(call)
    out = {
        "id": call.pk,
        "call_id": call.external_id,
        "direction": call.direction,
        "number": row.number_masked,
        "elder_id": call.elder_id,
        "operator": str(call.operator) if call.operator_id else "",
        "state": row.state,
        "state_label": row.state_label,
        "ringing_at": call.ringing_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "abandoned": call.abandoned,
        "wait_seconds": row.wait_seconds,
        "talk_seconds": row.talk_seconds,
        "alarm_id": call.alarm_id,
        "url": reverse("alarms:call_detail", args=[call.pk]),
    }
    if screen is not None:
        out["headline"] = screen.headline
        out["alarm_action"] = reverse("alarms:call_alarm", args=[call.pk])
        out["candidates"] = [
            {
                "elder_id": m.elder.pk,
                "name": m.elder.name,
                "gender": m.elder.get_gender_display(),
                "age": m.elder.age,
                "community": m.elder.region.name,
                "via": m.via,
                "contact_name": m.contact.name if m.contact else "",
                "url": reverse("alarms:call_detail", args=[call.pk]),
            }
            for m in screen.candidates
        ]
    return out


def _with_screen(request: HttpRequest, call) -> dict:
    return _out(call, selectors.call_screen(user=request.user, call=call))


@router.post("/calls/incoming", response={200: CallOut, 201: CallOut})
def incoming_call(request: HttpRequest, payload: IncomingCallIn):
    """A call ringing at ``operator``'s seat (their username): recorded, matched to a person by the number
    (theirs or an emergency contact's) and popped on that operator's open pages. 201 the first time, 200
    with the same record for a repeated ``call_id``."""
    incoming = services.call_incoming(actor=request.user, **payload.dict())
    return Status(201 if incoming.created else 200, _with_screen(request, incoming.call))


@router.post("/calls/{call_id}/answered", response=CallOut)
def call_answered(request: HttpRequest, call_id: str, payload: CallTimeIn):
    return _out(services.call_answered(actor=request.user, call_id=call_id, at=payload.at))


@router.post("/calls/{call_id}/ended", response=CallOut)
def call_ended(request: HttpRequest, call_id: str, payload: CallTimeIn):
    """Ended; without an answer the call is abandoned (呼损)."""
    return _out(services.call_ended(actor=request.user, call_id=call_id, at=payload.at))


@router.get("/calls/ringing", response=list[CallOut])
def calls_at_seat(request: HttpRequest):
    """The calls at the signed-in operator's own seat in the last minutes, newest first, with the people
    each number belongs to: what the screen-pop shows."""
    return [_with_screen(request, call) for call in selectors.calls_at_seat(user=request.user)]


@router.get("/calls", response=list[CallOut])
@paginate(lists.KeysetPagination)
def list_calls(request: HttpRequest, params: Query[CallFilterIn]):  # type: ignore[valid-type]
    fs = selectors.call_filterset(user=request.user, params=lists.schema_params(params))
    return lists.Listed(fs, out=_out)


@router.get("/calls/{int:call_pk}", response=CallOut)
def get_call(request: HttpRequest, call_pk: int):
    return _with_screen(request, selectors.call_get(user=request.user, call_pk=call_pk))
