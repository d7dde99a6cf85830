"""POST /api/v1/devices/events (and /batch): authenticated by the device key alone; and the alarm rules' API."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, DeviceKind, DeviceStatus
from yanglao.alarms.models import Alarm, AlarmRule, Device, DeviceEvent, IngestStat
from yanglao.alarms.rules import FloodGate
from yanglao.alarms.services import ingest
from yanglao.alarms.tests.builders import KEY, device

pytestmark = pytest.mark.django_db

URL = "/api/v1/devices/events"


@pytest.fixture
def band(person):
    return device(person, DeviceKind.WRISTBAND)


@pytest.fixture
def api():
    return Client(enforce_csrf_checks=True)  # a device has no session and no CSRF token


def body(dev, kind="vitals", **changes):
    data = {
        "device_id": dev.serial if isinstance(dev, Device) else dev,
        "msg_id": uuid.uuid4().hex,
        "type": kind,
        "ts": timezone.now().isoformat(),
        "values": {"heart_rate": 70} if kind == "vitals" else {},
        "key": KEY,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(api, data, url=URL, **headers):
    raw = data if isinstance(data, bytes) else json.dumps(data)
    return api.post(url, raw, content_type="application/json", headers=headers)


def test_accepted_then_duplicate(api, band):
    data = body(band, msg_id="hb-1")
    first = post(api, data)
    assert first.status_code == 202 and first.json() == {"status": "accepted", "msg_id": "hb-1", "flags": []}
    again = post(api, data)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert DeviceEvent.objects.unscoped(reason="test").filter(device=band).count() == 1
    stat = IngestStat.objects.get(path="http")
    assert (stat.received, stat.accepted, stat.duplicates) == (2, 1, 1)


def test_the_key_may_come_in_the_header(api, band):
    assert post(api, body(band, key=None), **{"X-Device-Key": KEY}).status_code == 202
    assert post(api, body(band), **{"X-Device-Key": "wrong"}).status_code == 401  # the header wins


def test_unknown_device_and_wrong_key_answer_alike(api, band):
    unknown = post(api, body("NO-SUCH-1"))
    wrong = post(api, body(band, key="guessed"))
    missing = post(api, body(band, key=None))
    assert unknown.status_code == wrong.status_code == missing.status_code == 401
    assert unknown.json() == wrong.json() == missing.json()
    assert unknown.json() == {
        "code": "alarms.device_unauthorised",
        "message": "设备编号或密钥无效",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "消息"),
        (json.dumps([1, 2]).encode(), "消息"),
        (None, "ts"),
    ],
)
def test_malformed_messages_answer_422_in_chinese(api, band, raw, field):
    response = post(api, raw if raw is not None else body(band, ts="2026-03-02 02:00"))
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "alarms.message_malformed" and answer["message"].startswith("设备消息格式有误：")
    assert field in answer["fields"]


def test_a_missing_device_id_is_malformed(api, band):
    response = post(api, body(band, device_id=None))
    assert response.status_code == 422 and "device_id" in response.json()["fields"]


def test_an_inactive_device_is_refused(api, band):
    Device.objects.unscoped(reason="test").filter(pk=band.pk).update(status=DeviceStatus.RETURNED)
    response = post(api, body(band))
    assert response.status_code == 422 and response.json()["code"] == "alarms.device_inactive"


def test_a_flooding_device_gets_429_but_its_sos_passes(api, band, monkeypatch):
    monkeypatch.setattr(ingest, "GATE", FloodGate(capacity=2, per_second=0.01))
    codes = [post(api, body(band, "heartbeat")).status_code for _ in range(4)]
    assert codes == [202, 202, 429, 429]
    assert post(api, body(band, "heartbeat")).json()["code"] == "alarms.device_throttled"
    assert post(api, body(band, "sos")).status_code == 202
    assert Alarm.objects.unscoped(reason="test").filter(device=band, kind=AlarmKind.SOS).exists()


def test_sos_over_http_raises_the_alarm(api, band):
    response = post(api, body(band, "sos", values={"lat": 31.2076, "lng": 121.4441}))
    assert response.status_code == 202
    alarm = Alarm.objects.unscoped(reason="test").get(device=band)
    assert alarm.kind == AlarmKind.SOS and alarm.lat == 31.2076


def test_batch_answers_each_message(api, band):
    duplicate = body(band, msg_id="same")
    post(api, duplicate)
    items = [body(band), duplicate, body("NOPE"), {"device_id": band.serial}, "text", body(band, "heartbeat")]
    response = post(api, items, url=URL + "/batch")
    assert response.status_code == 200
    answer = response.json()
    assert (answer["received"], answer["accepted"], answer["duplicates"], answer["rejected"]) == (6, 2, 1, 3)
    assert [(r["status"], r["code"]) for r in answer["results"]] == [
        ("accepted", ""),
        ("duplicate", ""),
        ("rejected", "alarms.device_unauthorised"),
        ("rejected", "alarms.message_malformed"),
        ("rejected", "alarms.message_malformed"),
        ("accepted", ""),
    ]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"{}", b"[]", json.dumps([{"device_id": "x"}] * 501).encode()],
    ids=["json", "object", "empty", "big"],
)
def test_a_batch_that_is_not_a_list_of_at_most_500_is_refused(api, raw):
    response = post(api, raw, url=URL + "/batch")
    assert response.status_code == 422 and response.json()["code"] == "alarms.message_malformed"


def test_the_device_endpoints_are_documented(api):
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert {"202", "200", "401", "422", "429"} <= set(operation["responses"])
    assert "device_id" in operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "security" not in operation


# ---------------------------------------------------------------- rules


@pytest.fixture
def officer_api(district_officer):
    c = Client()
    c.force_login(district_officer)
    return c


def rules_of(client, **params):
    response = client.get("/api/v1/alarms/rules", params)
    assert response.status_code == 200, response.content
    return {row["kind"]: row for row in response.json()}


def put_rule(client, kind, data):
    return client.put(f"/api/v1/alarms/rules/{kind}", json.dumps(data), content_type="application/json")


def test_the_defaults_are_marked_and_a_region_rule_is_own_below_inherited(officer_api):
    before = rules_of(officer_api, region="310104000000")
    assert before["hr_high"]["source"] == "default" and before["hr_high"]["is_default"]
    assert before["hr_high"]["threshold"] == 130 and before["hr_high"]["duration_seconds"] == 120
    response = put_rule(officer_api, "hr_high", {"region_code": "310104000000", "threshold": 125})
    assert response.status_code == 200, response.content
    assert response.json()["source"] == "own" and response.json()["threshold"] == 125
    assert response.json()["duration_seconds"] == 120  # kept from the rule in force
    street = rules_of(officer_api, region="310104003000")["hr_high"]
    assert (street["source"], street["source_region"], street["threshold"]) == (
        "inherited",
        "310104000000",
        125,
    )
    assert officer_api.delete("/api/v1/alarms/rules/hr_high?region=310104000000").status_code == 204
    assert rules_of(officer_api, region="310104000000")["hr_high"]["source"] == "default"


def test_a_persons_rule_with_a_silence(officer_api, person):
    until = (timezone.now() + timezone.timedelta(hours=2)).isoformat()
    response = put_rule(
        officer_api, "geofence", {"elder_id": person.pk, "threshold": 300, "silence_until": until}
    )
    assert response.status_code == 200, response.content
    mine = rules_of(officer_api, elder_id=person.pk)["geofence"]
    assert (mine["source"], mine["threshold"]) == ("own", 300) and mine["silence_until"]
    assert AlarmRule.objects.get(elder=person, kind="geofence").updated_by is not None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"region_code": "310104000000", "threshold": 500}, "alarms.rule_values_out_of_range"),
        ({"region_code": "310104000000", "duration_seconds": 99999}, "alarms.rule_values_out_of_range"),
        ({"region_code": "310104000000", "active_from": "07:00:00"}, "alarms.rule_window_incomplete"),
        ({"threshold": 120}, "alarms.rule_target_ambiguous"),
        ({"region_code": "310104000000", "elder_id": 1, "threshold": 120}, "alarms.rule_target_ambiguous"),
        ({"region_code": "310104000000", "threshold": "fast"}, "api.invalid_input"),
    ],
)
def test_bad_rules_are_refused_in_chinese(officer_api, data, code):
    response = put_rule(officer_api, "hr_high", data)
    assert response.status_code == 422 and response.json()["code"] == code
    assert not AlarmRule.objects.filter(is_default=False).exists()


def test_rules_outside_ones_scope_are_not_found(officer_api, street_officer, other_street_officer, person):
    assert (
        put_rule(officer_api, "hr_high", {"region_code": "310105000000", "threshold": 120}).status_code == 404
    )
    assert officer_api.get("/api/v1/alarms/rules", {"region": "310105000000"}).status_code == 404
    other = Client()
    other.force_login(other_street_officer)
    assert other.get("/api/v1/alarms/rules", {"elder_id": person.pk}).status_code == 404
    street = Client()
    street.force_login(street_officer)  # a street officer may read rules, not change them
    assert street.get("/api/v1/alarms/rules", {"region": "310104003000"}).status_code == 200
    assert put_rule(street, "hr_high", {"region_code": "310104003000", "threshold": 120}).status_code == 403
    assert Client().get("/api/v1/alarms/rules", {"region": "310104000000"}).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/devices/events", "/api/v1/devices/events/batch"])
def test_a_form_post_is_refused_in_chinese_not_a_server_error(client, path):
    answer = client.post(path, {"device_id": "x", "msg_id": "y"})  # multipart, as a form would send it
    assert answer.status_code == 422
    assert answer.json()["code"] == "alarms.body_not_json" and "JSON" in answer.json()["message"]
