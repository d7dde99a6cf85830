"""The device message contract (alarms/messages.py) without a database: what passes, what is refused and why."""

import datetime as dt
import json

import pytest

from yanglao.alarms import messages
from yanglao.alarms.choices import EventType
from yanglao.alarms.messages import Malformed


def payload(**changes):
    data = {
        "msg_id": "m-1",
        "type": "vitals",
        "ts": "2026-03-02T02:00:00+08:00",
        "values": {"heart_rate": 72, "spo2": 97},
        "key": "k",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not ...}


def test_types_are_the_models_event_types():
    assert messages.TYPES == set(EventType.values)
    assert messages.EMERGENCY == {"sos", "fall", "smoke", "gas"}


def test_a_good_message_parses_and_keeps_only_known_values():
    raw = json.dumps(
        payload(values={"heart_rate": 71.6, "spo2": 97, "name": "王秀英", "phone": "13912345678"})
    )
    message = messages.parse(messages.decode(raw.encode()))
    assert message.msg_id == "m-1" and message.type == "vitals" and message.key == "k"
    assert message.ts == dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC)
    assert message.values == {"heart_rate": 72, "spo2": 97.0}  # no name, no phone
    assert not message.emergency
    assert messages.parse(payload(type="sos", values={})).emergency


def test_z_suffix_and_missing_values_are_fine():
    message = messages.parse(payload(type="heartbeat", ts="2026-03-02T02:00:00Z", values=...))
    assert message.values == {} and message.ts.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", "消息"),
        (b"[1, 2]", "消息"),
        (b"\xff\xfe", "消息"),
        (b"{" + b'"a":"' + b"x" * 5000 + b'"}', "消息"),
    ],
)
def test_undecodable_payloads(raw, field):
    with pytest.raises(Malformed) as refused:
        messages.decode(raw)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"msg_id": ...}, "msg_id"),
        ({"msg_id": ""}, "msg_id"),
        ({"msg_id": "a" * 65}, "msg_id"),
        ({"msg_id": "bad id"}, "msg_id"),
        ({"msg_id": 12}, "msg_id"),
        ({"type": "party"}, "type"),
        ({"type": None}, "type"),
        ({"ts": ...}, "ts"),
        ({"ts": "yesterday"}, "ts"),
        ({"ts": "2026-03-02T02:00:00"}, "ts"),  # no time zone
        ({"ts": 1700000000}, "ts"),
        ({"key": 5}, "key"),
        ({"key": "k" * 129}, "key"),
        ({"values": [1]}, "values"),
        ({"values": {"heart_rate": 900}}, "values.heart_rate"),
        ({"values": {"heart_rate": "fast"}}, "values.heart_rate"),
        ({"values": {"heart_rate": True}}, "values.heart_rate"),
        ({"values": {"heart_rate": float("nan")}}, "values.heart_rate"),
        ({"values": {"spo2": 101}}, "values.spo2"),
        ({"values": {"steps": 5}}, "values"),  # vitals without a vital sign
        ({"values": {"heart_rate": 70, "lat": 31.2}}, "values.lat"),  # a latitude without longitude
        ({"values": {f"x{n}": n for n in range(21)}}, "values"),
        ({"type": "heartbeat", "values": {"battery": -1}}, "values.battery"),
        ({"type": "heartbeat", "values": {"firmware": "v" * 41}}, "values.firmware"),
        ({"type": "door", "values": {"state": "ajar"}}, "values.state"),
        ({"type": "geofence", "values": {}}, "values.event"),
    ],
)
def test_each_broken_field_is_named(changes, field):
    with pytest.raises(Malformed) as refused:
        messages.parse(payload(**changes))
    assert refused.value.field == field
    assert refused.value.reason  # a Chinese sentence for the HTTP answer


def test_serials_and_topics():
    assert messages.parse_serial("WB-000123") == "WB-000123"
    for bad in ("", "a b", "x" * 41, 5, None, "../etc"):
        with pytest.raises(Malformed):
            messages.parse_serial(bad)
    assert messages.topic_serial("yanglao/devices/WB-1/events") == "WB-1"
    assert messages.topic_serial("t123/yanglao/devices/WB-1/events", "t123/yanglao") == "WB-1"
    assert messages.topic_serial("yanglao/devices/WB-1/commands") == ""
    assert messages.topic_serial("other/devices/WB-1/events") == ""
    assert messages.topic_serial("yanglao/devices/a/b/events") == ""


def test_peek_type_for_the_emergency_lane():
    assert messages.peek_type({"type": "sos"}) == "sos"
    assert messages.peek_type({"type": "nonsense"}) == ""
    assert messages.peek_type({"type": ["sos"]}) == ""
