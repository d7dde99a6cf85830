"""The console's API: GET /api/v1/alarms, GET /api/v1/alarms/{id}, POST …/claim, …/steps, …/close."""

import pytest

from yanglao.alarms.choices import AlarmKind
from yanglao.alarms.tests.console_builders import HUNAN, another_operator, raise_alarm
from yanglao.services.tests.builders import offering

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_list_pages_by_keyset_with_the_pages_filters(client, operator, person):
    alarms = [raise_alarm(person, kind) for kind in (AlarmKind.FALL, AlarmKind.SOS, AlarmKind.SMOKE)]
    client.force_login(operator)
    seen, after = [], ""
    while True:
        page = client.get(f"/api/v1/alarms?limit=2&after={after}").json()
        seen += [row["id"] for row in page["items"]]
        after = page["next"]
        if not after:
            break
    assert seen == [a.pk for a in reversed(alarms)]
    rows = client.get("/api/v1/alarms?kind=sos").json()["items"]
    assert [(r["kind"], r["kind_label"], r["status_label"], r["elder_name"]) for r in rows] == [
        ("sos", "紧急呼救", "待接警", person.name)
    ]
    bad = client.get("/api/v1/alarms?status=lost")
    assert bad.status_code == 422 and bad.json()["code"] == "core.invalid_filter"


def test_one_alarm_with_its_timeline_and_allowed_actions(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    body = client.get(f"/api/v1/alarms/{alarm.pk}").json()
    assert body["status"] == "open" and body["allowed_actions"] == ["claim"] and body["actions"] == []
    claimed = _post(client, f"/api/v1/alarms/{alarm.pk}/claim").json()
    assert claimed["status"] == "claimed" and claimed["claimed_by"] == str(operator)
    assert claimed["allowed_actions"] == ["step", "close"]
    assert [a["kind_label"] for a in claimed["actions"]] == ["接警"]
    assert claimed["actions"][0]["elapsed_seconds"] >= 0


def test_a_second_claim_is_422_with_its_code(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    _post(client, f"/api/v1/alarms/{alarm.pk}/claim")
    client.force_login(another_operator("second"))
    refused = _post(client, f"/api/v1/alarms/{alarm.pk}/claim")
    assert refused.status_code == 422
    assert (
        refused.json()["code"] == "alarms.claimed_by_other"
        and "已由其他坐席接警" in refused.json()["message"]
    )


def test_steps_and_close_through_the_api(client, operator, person):
    alarm = raise_alarm(person)
    serving = offering(code="SH-ZY", contract=None, areas=("310104003000",))
    client.force_login(operator)
    _post(client, f"/api/v1/alarms/{alarm.pk}/claim")
    base = f"/api/v1/alarms/{alarm.pk}"
    made = _post(client, f"{base}/steps", {"kind": "call_person", "result": "no_answer"})
    assert made.status_code == 201 and made.json()["result_label"] == "无人接听"
    made = _post(client, f"{base}/steps", {"kind": "call_contact", "position": 1, "result": "answered"})
    assert made.json()["contact_position"] == 1
    made = _post(client, f"{base}/steps", {"kind": "dispatch_community", "note": "请上门"})
    assert made.status_code == 201 and made.json()["visit_task_id"]
    made = _post(
        client,
        f"{base}/steps",
        {"kind": "dispatch_provider", "offering_id": serving.pk, "client_key": "api-key-000001"},
    )
    assert made.status_code == 201 and made.json()["service_order_id"]
    made = _post(client, f"{base}/steps", {"kind": "call_120", "note": "已派车"})
    assert made.json()["kind_label"] == "拨打120"
    closed = _post(client, f"{base}/close", {"outcome": "hospital", "note": "送医"})
    assert closed.status_code == 200 and closed.json()["outcome_label"] == "送医"
    assert [a["kind"] for a in closed.json()["actions"]] == [
        "claim",
        "call_person",
        "call_contact",
        "dispatch_community",
        "dispatch_provider",
        "call_120",
        "close",
    ]
    late = _post(client, f"{base}/steps", {"kind": "note", "note": "补记"})
    assert late.status_code == 422 and "已结案" in late.json()["message"]


def test_bad_bodies_are_422_in_chinese_never_500(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    _post(client, f"/api/v1/alarms/{alarm.pk}/claim")
    base = f"/api/v1/alarms/{alarm.pk}"
    for body in (
        {"kind": "teleport"},
        {"kind": "call_person", "result": "maybe"},
        {"kind": "call_contact", "position": 9, "result": "answered"},
        {"kind": "note", "note": "长" * 501},
        [],
    ):
        response = _post(client, f"{base}/steps", body)
        assert response.status_code == 422, body
    for body, code in (
        ({"kind": "call_person"}, "alarms.call_result_invalid"),
        ({"kind": "call_contact", "result": "answered"}, "alarms.contact_position_missing"),
        ({"kind": "dispatch_provider"}, "alarms.offering_missing"),
        ({"kind": "note"}, "alarms.note_missing"),
    ):
        assert _post(client, f"{base}/steps", body).json()["code"] == code
    assert _post(client, f"{base}/close", {"outcome": "vanished"}).status_code == 422
    why = _post(client, f"{base}/close", {"outcome": "false_alarm"})
    assert why.status_code == 422 and why.json()["code"] == "alarms.note_missing"
    assert _post(client, "/api/v1/alarms/999999/claim").status_code == 404


def test_another_streets_alarm_is_404_on_every_endpoint(client, person):
    alarm = raise_alarm(person)
    client.force_login(another_operator("hunan_api", (HUNAN,)))
    base = f"/api/v1/alarms/{alarm.pk}"
    assert client.get(base).status_code == 404
    assert _post(client, f"{base}/claim").status_code == 404
    assert _post(client, f"{base}/steps", {"kind": "note", "note": "x"}).status_code == 404
    assert _post(client, f"{base}/close", {"outcome": "other", "note": "x"}).status_code == 404
    assert client.get("/api/v1/alarms").json()["items"] == []


def test_users_without_the_handling_right_get_403(client, street_officer, person):
    alarm = raise_alarm(person)
    client.force_login(street_officer)
    assert client.get(f"/api/v1/alarms/{alarm.pk}").status_code == 200  # reading is theirs
    assert _post(client, f"/api/v1/alarms/{alarm.pk}/claim").status_code == 403


def test_the_openapi_document_describes_the_console_endpoints(client, operator):
    client.force_login(operator)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/alarms", "/api/v1/alarms/{alarm_id}", "/api/v1/alarms/{alarm_id}/steps"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/alarms"]["get"]["parameters"]}
    assert {
        "status",
        "kind",
        "severity",
        "street",
        "raised_from",
        "raised_to",
        "after",
        "limit",
    } <= parameters
