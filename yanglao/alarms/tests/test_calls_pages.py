"""Call record pages: the kit's list and detail contracts, the caller's screen (masked numbers, the people the
number belongs to, the 来电求助 button), the filters by state and operator, and the screen-pop partial."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms.models import Alarm, CallRecord
from yanglao.core.crypto import blind_index
from yanglao.core.testing.contracts import DetailContract, ListContract, unique_name
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


def make_call(region_code: str, external_id: str, *, elder=None, operator=None, **times) -> CallRecord:
    number = "13912345678"
    return CallRecord.objects.create(
        external_id=external_id,
        direction="in",
        number=number,
        number_hash=blind_index(number),
        elder=elder,
        region_id=region_code,
        operator=operator,
        ringing_at=times.pop("ringing_at", timezone.now()),
        **times,
    )


def _id() -> str:
    return "K" + unique_name("")[-2:].encode().hex()


class TestCallList(ListContract):
    url = "/alarms/calls/"
    api_url = "/api/v1/calls"
    api_name_key = "call_id"
    export_url = "/alarms/calls/export/"
    permission = "alarms.view_callrecord"
    max_queries = 11  # measured: calls with their people, operators and communities, the filter's choices

    def make(self, n, region_code):
        elder = people_factories.elder(name="通话列表老人", region_code=region_code)
        return [make_call(region_code, _id(), elder=elder).external_id for _ in range(n)]


class TestCallDetail(DetailContract):
    permission = "alarms.view_callrecord"

    def make(self, region_code):
        elder = people_factories.elder(name=unique_name("详情"), region_code=region_code)
        return make_call(region_code, _id(), elder=elder)

    def url_for(self, obj):
        return f"/alarms/calls/{obj.pk}/"

    def api_url_for(self, obj):
        return f"/api/v1/calls/{obj.pk}"

    def shown(self, obj):
        return "139****5678"


def test_the_caller_screen_shows_the_person_masked_contacts_and_the_alarm_button(client, operator, person):
    call = make_call(person.region_id, "S1", elder=person, operator=operator)
    client.force_login(operator)
    page = client.get(f"/alarms/calls/{call.pk}/").content.decode()
    assert "来电：王秀英（女儿 李娟）" in page and "女儿 李娟 来电" in page
    assert "139****5678" in page and "13912345678" not in page and "138****1111" in page
    assert "持有钥匙" in page and "创建来电求助报警" in page and person.id_number not in page
    response = client.post(f"/alarms/calls/{call.pk}/alarm/", {"elder_id": person.pk})
    assert response.status_code == 302
    alarm = Alarm.objects.unscoped(reason="test").get()
    assert alarm.kind == "call" and CallRecord.objects.unscoped(reason="test").get(pk=call.pk).alarm == alarm
    after = client.get(f"/alarms/calls/{call.pk}/").content.decode()
    assert f"报警编号 {alarm.pk}" in after and 'name="elder_id"' not in after.split("call-pop")[0]


def test_raising_from_a_call_needs_the_handle_right(client, street_officer, person):
    call = make_call(person.region_id, "S2", elder=person)
    client.force_login(street_officer)
    assert client.post(f"/alarms/calls/{call.pk}/alarm/", {"elder_id": person.pk}).status_code == 403
    assert not Alarm.objects.unscoped(reason="test").exists()


def test_the_list_filters_by_state_and_operator_and_shows_wait_and_talk(client, operator, supervisor, person):
    t0 = timezone.now() - dt.timedelta(minutes=10)
    make_call(person.region_id, "talked", elder=person, operator=operator, ringing_at=t0,
              answered_at=t0 + dt.timedelta(seconds=7), ended_at=t0 + dt.timedelta(seconds=67))  # fmt: skip
    make_call(person.region_id, "lost", elder=person, operator=supervisor, ringing_at=t0,
              ended_at=t0 + dt.timedelta(seconds=21), abandoned=True)  # fmt: skip
    client.force_login(supervisor)
    abandoned = client.get("/alarms/calls/", {"state": "abandoned"}).content.decode()
    assert "呼损" in abandoned and ">21<" in abandoned and ">60<" not in abandoned
    talked = client.get("/alarms/calls/", {"operator": operator.pk}).content.decode()
    assert ">7<" in talked and ">60<" in talked and ">21<" not in talked


def test_the_screen_pop_is_on_the_alarm_pages_for_operators_only(client, operator, street_officer):
    client.force_login(operator)
    page = client.get("/alarms/calls/").content.decode()
    assert 'data-events-topic="alarms.call"' in page and "js/call-pop.js" in page
    client.force_login(street_officer)
    assert "call-pop.js" not in client.get("/alarms/calls/").content.decode()
