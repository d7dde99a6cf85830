"""Incoming calls from the telephony system: token-authenticated, idempotent on the call id, matched to a
person by their own phone or an emergency contact's, popped to the answering operator only; answered,
ended and abandoned times; a 来电求助 alarm from the call."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind
from yanglao.alarms.errors import InvalidCall
from yanglao.alarms.models import Alarm, CallRecord
from yanglao.alarms.services import calls as services
from yanglao.core import events
from yanglao.core import services as core_services
from yanglao.core.errors import NotFound
from yanglao.core.models import Event
from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def telephony(db):
    """The telephony system's account (an operator-role service account of the district) and its token."""
    user = factories.user(role="operator", regions=["310104000000"], username="telephony")
    _token, secret = core_services.api_token_create(actor=user, name="呼叫中心话务系统")
    return user, secret


def post(client, secret, path, body):
    return client.post(
        f"/api/v1/calls{path}", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def incoming(client, secret, call_id="C-1", caller="13912345678", operator="hotline_operator", at=None):
    body = {"call_id": call_id, "caller": caller, "operator": operator}
    if at:
        body["at"] = at.isoformat()
    return post(client, secret, "/incoming", body)


def test_a_contacts_number_pops_the_person_with_the_contact(client, telephony, operator, person):
    _user, secret = telephony
    response = incoming(client, secret)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["elder_id"] == person.pk and body["headline"] == "来电：王秀英（女儿 李娟）"
    assert body["number"] == "139****5678" and body["state"] == "ringing"
    assert [c["via"] for c in body["candidates"]] == ["女儿"]
    call = CallRecord.objects.unscoped(reason="test").get(external_id="C-1")
    assert call.region_id == person.region_id and call.operator == operator
    with connection.cursor() as cursor:  # stored encrypted: the clear number is nowhere in the row
        cursor.execute("SELECT * FROM alarms_callrecord WHERE id = %s", [call.pk])
        assert "13912345678" not in str(cursor.fetchone())


def test_the_persons_own_phone_wins_over_a_contacts(client, telephony, operator, person, street_officer):
    _user, secret = telephony
    # The neighbour 赵阿姨's number is also the registered phone of another person.
    neighbour = people_factories.elder(actor=street_officer, name="赵阿姨", phone="13800001111")
    body = incoming(client, secret, caller="+86 138 0000 1111").json()
    assert body["elder_id"] == neighbour.pk
    assert [c["name"] for c in body["candidates"]] == ["赵阿姨", "王秀英"]
    assert body["candidates"][1]["via"] == "邻居"


def test_several_people_leave_the_choice_to_the_operator(client, telephony, operator, street_officer):
    _user, secret = telephony
    for name in ("张老伯", "张阿婆"):
        people_factories.elder(
            actor=street_officer,
            name=name,
            contacts=[{"name": "张明", "relation": "儿子", "phone": "13700002222"}],
        )
    body = incoming(client, secret, caller="13700002222").json()
    assert body["elder_id"] is None and len(body["candidates"]) == 2
    assert body["headline"].startswith("来电：张") and "等 2 人" in body["headline"]


def test_an_unknown_or_withheld_number_is_recorded_unmatched(client, telephony, operator):
    _user, secret = telephony
    body = incoming(client, secret, caller="anonymous").json()
    assert body["elder_id"] is None and body["candidates"] == []
    assert body["headline"] == "来电：（号码未显示）（未匹配到老人）"
    call = CallRecord.objects.unscoped(reason="test").get(external_id="C-1")
    assert call.region_id == "310104000000"  # the operator's region


def test_a_repeated_call_id_is_the_same_record_and_pops_once(client, telephony, operator, person):
    _user, secret = telephony
    assert incoming(client, secret).status_code == 201
    again = incoming(client, secret, caller="13800001111")
    assert again.status_code == 200 and again.json()["elder_id"] == person.pk
    assert CallRecord.objects.unscoped(reason="test").count() == 1
    assert Event.objects.unscoped(reason="test").filter(topic="alarms.call").count() == 1


def test_the_pop_event_reaches_only_that_operator(client, telephony, operator, person, supervisor):
    _user, secret = telephony
    other_operator = factories.user(role="operator", regions=["310104000000"], username="second_seat")
    incoming(client, secret)
    event = Event.objects.unscoped(reason="test").get(topic="alarms.call")
    assert event.payload == {"id": CallRecord.objects.unscoped(reason="test").get().pk, "action": "ringing"}
    assert event.user_id == operator.pk and event.region_code is None and event.organisation_id is None
    assert events.visible(operator, event)
    for someone_else in (other_operator, supervisor):
        someone_else.scope_ranges()
        assert not events.visible(someone_else, event)
        assert events.event_list(user=someone_else, after=0) == []
    assert [e.pk for e in events.event_list(user=operator, after=0)] == [event.pk]


def test_answered_and_ended_fill_the_times_and_an_unanswered_end_is_abandoned(client, telephony, operator):
    _user, secret = telephony
    incoming(client, secret, call_id="A", at=T0)
    answered = post(client, secret, "/A/answered", {"at": (T0 + dt.timedelta(seconds=8)).isoformat()})
    assert answered.status_code == 200 and answered.json()["wait_seconds"] == 8
    again = post(client, secret, "/A/answered", {"at": (T0 + dt.timedelta(seconds=30)).isoformat()})
    assert again.json()["answered_at"] == answered.json()["answered_at"]  # the first time stands
    ended = post(client, secret, "/A/ended", {"at": (T0 + dt.timedelta(seconds=98)).isoformat()})
    assert (
        ended.json()["talk_seconds"] == 90
        and not ended.json()["abandoned"]
        and ended.json()["state"] == "ended"
    )
    incoming(client, secret, call_id="B", at=T0)
    gone = post(client, secret, "/B/ended", {"at": (T0 + dt.timedelta(seconds=40)).isoformat()})
    assert (
        gone.json()["abandoned"] and gone.json()["wait_seconds"] == 40 and gone.json()["talk_seconds"] is None
    )
    late = post(client, secret, "/B/answered", {})
    assert late.status_code == 422 and late.json()["code"] == "alarms.call_already_ended"
    incoming(client, secret, call_id="C", at=T0)
    early = post(client, secret, "/C/answered", {"at": (T0 - dt.timedelta(seconds=1)).isoformat()})
    assert early.status_code == 422 and early.json()["code"] == "alarms.call_time_out_of_order"
    assert post(client, secret, "/nope/ended", {}).status_code == 404


def test_the_api_needs_a_token_user_with_the_right(client, operator, street_officer):
    body = {"call_id": "X", "caller": "13912345678", "operator": "hotline_operator"}
    assert client.post("/api/v1/calls/incoming", body, content_type="application/json").status_code == 401
    _token, secret = core_services.api_token_create(actor=street_officer, name="无权限")
    refused = post(client, secret, "/incoming", body)
    assert refused.status_code == 403 and CallRecord.objects.unscoped(reason="test").count() == 0


def test_an_unknown_operator_is_refused_in_chinese(client, telephony, street_officer):
    _user, secret = telephony
    refused = incoming(client, secret, operator="street")  # exists, but is no operator
    assert refused.status_code == 422 and refused.json()["code"] == "alarms.call_operator_unknown"
    assert "不是接警坐席" in refused.json()["message"]
    bad = post(client, secret, "/incoming", {"call_id": "", "caller": "1", "operator": ""})
    assert bad.status_code == 422 and "输入有误" in bad.json()["message"]


def test_the_call_becomes_a_call_alarm_once(telephony, operator, person, client):
    _user, secret = telephony
    call_pk = incoming(client, secret).json()["id"]
    alarm = services.call_alarm_raise(actor=operator, call_pk=call_pk)
    assert alarm.kind == AlarmKind.CALL and alarm.elder == person and alarm.severity == 1
    assert "女儿 李娟 来电" in alarm.message and "139****5678" in alarm.message
    assert services.call_alarm_raise(actor=operator, call_pk=call_pk).pk == alarm.pk
    assert Alarm.objects.unscoped(reason="test").count() == 1
    assert CallRecord.objects.unscoped(reason="test").get(pk=call_pk).alarm_id == alarm.pk


def test_a_call_alarm_needs_a_person_among_the_numbers_matches(
    telephony, operator, person, client, street_officer
):
    _user, secret = telephony
    unmatched = incoming(client, secret, call_id="U", caller="02164381234").json()["id"]
    with pytest.raises(InvalidCall) as refused:
        services.call_alarm_raise(actor=operator, call_pk=unmatched)
    assert refused.value.code == "alarms.call_no_person"
    stranger = people_factories.elder(actor=street_officer, name="无关老人")
    with pytest.raises(NotFound):
        services.call_alarm_raise(actor=operator, call_pk=unmatched, elder_id=stranger.pk)
    other_street = factories.user(role="operator", regions=["310104004000"], username="hunan_seat")
    matched = incoming(client, secret, call_id="M").json()["id"]
    with pytest.raises(NotFound):
        services.call_alarm_raise(actor=other_street, call_pk=matched)


def test_the_seat_api_shows_the_operators_own_recent_calls(client, telephony, operator, person, supervisor):
    _user, secret = telephony
    incoming(client, secret, at=timezone.now())
    client.force_login(operator)
    mine = client.get("/api/v1/calls/ringing").json()
    assert [c["headline"] for c in mine] == ["来电：王秀英（女儿 李娟）"]
    assert mine[0]["alarm_action"].endswith("/alarm/")
    client.force_login(supervisor)
    assert client.get("/api/v1/calls/ringing").json() == []
