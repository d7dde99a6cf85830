"""Visit reports from a caregiver's phone (issue #11 item 7): every rule and refusal of ``visit_report``, its
idempotency, the clock cases, confirmation by code or signature, check-out photos, scope, and the API."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.models import Event
from yanglao.core.testing import factories
from yanglao.people.models import FamilyLink
from yanglao.services import errors, services
from yanglao.services.choices import OrderStatus, VisitOutcome
from yanglao.services.models import Caregiver, CheckInRule, ServiceAlert, ServiceOrder, VisitAction
from yanglao.services.services import visits
from yanglao.services.tests.builders import offering

pytestmark = pytest.mark.django_db

HOME = (31.2075, 121.444)  # the crew fixture's person
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.VISIT_FILES_DIR = tmp_path / "visit-files"
    return settings.VISIT_FILES_DIR


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, set by the test (``clock.now = ...``)."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def job(crew, clock):
    """An order for the bath item (SH-ZY: shipped rule 200 m, 15 min late, 10 min early, 48 min minimum,
    warn on everything) dispatched to and accepted by caregiver 1, starting now for an hour."""
    manager, workers, order = crew
    worker = workers[1]
    services.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=worker.pk)
    services.order_accept(actor=worker.user, order_id=order.pk)
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
        scheduled_start=clock.now, scheduled_end=clock.now + dt.timedelta(minutes=60)
    )
    return worker.user, order.pk


def fresh(order_id):
    return ServiceOrder.objects.unscoped(reason="test").get(pk=order_id)


_keys = iter(range(10**6))


def report(user, order_id, kind, clock, *, minutes=0, key=None, at=None, lat=HOME[0], lng=HOME[1], **payload):
    """A report made ``minutes`` after the clock's now and sent at once (unless ``at`` gives the phone time)."""
    clock.now = clock.now + dt.timedelta(minutes=minutes)
    return services.visit_report(
        actor=user,
        key=key or f"test-key-{next(_keys):06d}",
        order_id=order_id,
        kind=kind,
        phone_time=at or clock.now,
        lat=lat,
        lng=lng,
        payload=payload or None,
    )


def rule(code="SH-ZY", **values):
    CheckInRule.objects.filter(item__code=code, region=None).update(**values)


def visit_to_checkout(user, order_id, clock):
    report(user, order_id, "check_in", clock)
    return report(user, order_id, "check_out", clock, minutes=60)


# ---------------------------------------------------------------- check-in


def test_check_in_at_the_door_is_accepted_and_sets_the_visit(job, clock):
    user, order_id = job
    action = report(user, order_id, "check_in", clock, lat=HOME[0] + 0.0003)  # about 33 m
    assert (action.outcome, action.code, action.message) == (VisitOutcome.ACCEPTED, "", "")
    order = fresh(order_id)
    assert order.status == OrderStatus.CHECKED_IN
    assert order.checked_in_at == clock.now == order.checkin_received_at
    assert 30 <= order.checkin_distance_m <= 36
    assert order.checkin_lat == pytest.approx(HOME[0] + 0.0003)
    assert len(order.confirm_code) == 6 and order.confirm_code.isdigit()
    assert not ServiceAlert.objects.unscoped(reason="test").exists()


def test_each_accepted_report_is_audited_published_and_told_to_the_family(job, clock, person):
    user, order_id = job
    order = fresh(order_id)
    family = factories.user(role="family", username="daughter")
    FamilyLink.objects.create(user=family, elder_id=order.elder_id, relation="女儿")
    report(user, order_id, "check_in", clock)
    entry = LogEntry.objects.filter(additional_data__event="visit.check_in").get()
    assert entry.actor == user and entry.object_pk == str(order_id)
    assert entry.additional_data["outcome"] == "accepted"
    assert str(HOME[0]) not in str(entry.additional_data) and "address" not in str(entry.additional_data)
    live = (
        Event.objects.unscoped(reason="test").filter(topic="services.order", payload__action="check_in").get()
    )
    assert live.payload == {
        "id": order_id,
        "action": "check_in",
        "state": "checked_in",
        "outcome": "accepted",
    }
    assert (live.region_code, live.organisation_id) == (order.region_id, order.provider_id)
    told = Event.objects.unscoped(reason="test").filter(topic="services.family", user_id=family.pk).get()
    assert told.payload == {"order": order_id, "action": "check_in", "state": "checked_in"}


def test_a_check_in_far_from_home_is_flagged_and_raises_an_alert_by_default(job, clock):
    user, order_id = job
    action = report(user, order_id, "check_in", clock, lat=HOME[0] + 0.045)  # about 5 km
    assert action.outcome == VisitOutcome.FLAGGED
    assert action.code == errors.CheckInTooFar.code and "超过允许的 200 米" in action.message
    assert fresh(order_id).status == OrderStatus.CHECKED_IN
    alert = ServiceAlert.objects.unscoped(reason="test").get()
    assert (alert.kind, alert.action) == ("far_in", "warn")


def test_a_check_in_5_km_away_is_refused_when_the_rule_blocks_and_nothing_changes(job, clock):
    user, order_id = job
    rule(on_distance="block")
    action = report(user, order_id, "check_in", clock, lat=HOME[0] + 0.045)
    assert action.outcome == VisitOutcome.REFUSED
    assert action.code == "services.checkin_too_far"
    assert action.message.startswith("签到位置距老人住址 5004 米") or "签到位置距老人住址" in action.message
    order = fresh(order_id)
    assert (order.status, order.checked_in_at, order.confirm_code) == (OrderStatus.ACCEPTED, None, "")
    assert not ServiceAlert.objects.unscoped(reason="test").exists()
    assert (
        not Event.objects.unscoped(reason="test")
        .filter(topic="services.order", payload__action="check_in")
        .exists()
    )
    # at the door, with a new report, it goes through
    assert report(user, order_id, "check_in", clock).outcome == VisitOutcome.ACCEPTED


def test_a_phone_without_position_is_judged_by_the_distance_rule(job, clock):
    user, order_id = job
    rule(on_distance="block")
    action = report(user, order_id, "check_in", clock, lat=None, lng=None)
    assert (action.outcome, action.code) == (VisitOutcome.REFUSED, errors.CheckInTooFar.code)
    assert "未获取到手机定位" in action.message


def test_the_end_action_aborts_the_order(job, clock):
    user, order_id = job
    rule(on_late="end")
    action = report(user, order_id, "check_in", clock, minutes=40)
    assert (action.outcome, action.code) == (VisitOutcome.FLAGGED, errors.CheckInLate.code)
    order = fresh(order_id)
    assert order.status == OrderStatus.ABORTED
    assert order.abort_reason.startswith("迟到 40 分钟")
    assert ServiceAlert.objects.unscoped(reason="test").get().kind == "late"
    with pytest.raises(errors.VisitWrongState):
        report(user, order_id, "check_out", clock)


def test_a_home_without_coordinates_gives_no_distance_breach(job, clock):
    user, order_id = job
    elder = fresh(order_id).elder
    type(elder).objects.unscoped(reason="test").filter(pk=elder.pk).update(lat=None, lng=None)
    rule(on_distance="block")
    action = report(user, order_id, "check_in", clock, lat=HOME[0] + 0.045)
    assert action.outcome == VisitOutcome.ACCEPTED
    assert fresh(order_id).checkin_distance_m is None


def test_a_regions_own_rule_applies(job, clock):
    user, order_id = job
    order = fresh(order_id)
    base = CheckInRule.objects.get(item__code="SH-ZY", region=None)
    CheckInRule.objects.create(
        **{f: getattr(base, f) for f in services.RULE_FIELDS},
        item=base.item,
        region_id=order.region_id[:9] + "000",
    )
    CheckInRule.objects.filter(region_id=order.region_id[:9] + "000").update(on_distance="block")
    assert report(user, order_id, "check_in", clock, lat=HOME[0] + 0.01).outcome == VisitOutcome.REFUSED


# ---------------------------------------------------------------- idempotency and keys


def test_the_same_key_is_recorded_once_and_answered_with_the_first_outcome(job, clock):
    user, order_id = job
    first = report(user, order_id, "check_in", clock, key="phone-queue-0001")
    again = report(user, order_id, "check_in", clock, minutes=3, key="phone-queue-0001", lat=HOME[0] + 1)
    assert again.pk == first.pk and again.outcome == VisitOutcome.ACCEPTED
    assert VisitAction.objects.unscoped(reason="test").count() == 1
    assert LogEntry.objects.filter(additional_data__event="visit.check_in").count() == 1
    assert (
        Event.objects.unscoped(reason="test")
        .filter(topic="services.order", payload__action="check_in")
        .count()
        == 1
    )
    assert fresh(order_id).checked_in_at == first.phone_time


def test_two_tabs_sending_the_same_key_record_it_once(job, clock, monkeypatch):
    """The second tab passed the first look before the first tab committed: its write hits the unique key
    and it answers with the first tab's row."""
    user, order_id = job
    first = report(user, order_id, "check_in", clock, key="two-tabs-0001")
    real = visits._earlier
    calls = iter([None, None])
    monkeypatch.setattr(visits, "_earlier", lambda key: next(calls, real(key)))
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order_id).update(status=OrderStatus.ACCEPTED)
    again = report(user, order_id, "check_in", clock, key="two-tabs-0001")
    assert again.pk == first.pk
    assert VisitAction.objects.unscoped(reason="test").count() == 1


def test_a_key_reused_by_another_caregiver_or_order_is_refused(job, clock, crew, street_officer):
    user, order_id = job
    report(user, order_id, "check_in", clock, key="shared-key-0001")
    other = crew[1][0].user  # a colleague at the same provider
    with pytest.raises(errors.VisitKeyReused) as refused:
        report(other, order_id, "check_in", clock, key="shared-key-0001")
    assert refused.value.code == "services.visit_key_reused"
    with pytest.raises(errors.VisitKeyReused):
        report(user, order_id + 1, "check_in", clock, key="shared-key-0001")
    with pytest.raises(errors.VisitKeyReused):
        report(user, order_id, "check_out", clock, key="shared-key-0001")


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "含中文的键值一二三四"])
def test_a_bad_key_is_refused(job, clock, key):
    user, order_id = job
    with pytest.raises(errors.VisitKeyInvalid):
        services.visit_report(actor=user, key=key, order_id=order_id, kind="check_in", phone_time=clock.now)


# ---------------------------------------------------------------- who and when


def test_a_caregiver_who_is_not_the_orders_is_refused(job, clock, crew):
    _user, order_id = job
    colleague = crew[1][0].user
    with pytest.raises(errors.VisitNotYours) as refused:
        report(colleague, order_id, "check_in", clock)
    assert refused.value.code == "services.visit_not_yours"


def test_a_caregiver_of_another_provider_gets_not_found(job, clock):
    _user, order_id = job
    elsewhere = offering(code="SH-ZY", contract=None).provider
    stranger = factories.user(role="caregiver", organisation=elsewhere, username="stranger")
    Caregiver.objects.create(user=stranger, provider=elsewhere, region_id=elsewhere.region_id, name="外机构")
    with pytest.raises(NotFound):
        report(stranger, order_id, "check_in", clock)


def test_a_user_without_a_caregiver_row_is_refused(job, clock, crew):
    manager = crew[0]
    with pytest.raises(errors.NotACaregiver):
        report(manager, job[1], "check_in", clock)


def test_an_order_in_the_wrong_state_is_refused(job, clock):
    user, order_id = job
    with pytest.raises(errors.CheckOutNotCheckedIn) as refused:
        report(user, order_id, "check_out", clock)
    assert refused.value.code == "services.checkout_not_checked_in"
    report(user, order_id, "check_in", clock)
    with pytest.raises(errors.VisitWrongState) as again:
        report(user, order_id, "check_in", clock)
    assert again.value.code == "services.visit_wrong_state" and "服务中" in again.value.message
    with pytest.raises(errors.VisitWrongState):
        report(user, order_id, "confirm", clock, code="123456")
    with pytest.raises(errors.VisitKindUnknown):
        report(user, order_id, "dance", clock)


# ---------------------------------------------------------------- clocks


def test_a_phone_clock_two_hours_ahead_is_replaced_by_the_servers(job, clock):
    user, order_id = job
    action = report(user, order_id, "check_in", clock, at=clock.now + dt.timedelta(hours=2))
    assert (action.outcome, action.code) == (VisitOutcome.FLAGGED, "services.visit_clock_wrong")
    assert "快 120 分钟" in action.message
    assert action.phone_time == clock.now + dt.timedelta(hours=2)  # the phone's word is kept
    assert fresh(order_id).checked_in_at == clock.now
    assert ServiceAlert.objects.unscoped(reason="test").get().kind == "clock"


def test_a_clock_a_little_ahead_is_believed(job, clock):
    user, order_id = job
    action = report(user, order_id, "check_in", clock, at=clock.now + dt.timedelta(minutes=4))
    assert action.outcome == VisitOutcome.ACCEPTED
    assert fresh(order_id).checked_in_at == clock.now + dt.timedelta(minutes=4)


def test_a_report_older_than_a_day_uses_the_servers_time(job, clock):
    user, order_id = job
    action = report(user, order_id, "check_in", clock, at=clock.now - dt.timedelta(hours=25))
    assert action.code == "services.visit_clock_wrong"
    assert fresh(order_id).checked_in_at == clock.now


def test_a_report_sent_late_from_the_offline_queue_keeps_its_time_and_is_flagged(job, clock):
    user, order_id = job
    made = clock.now
    action = report(user, order_id, "check_in", clock, minutes=30, at=made)
    assert (action.outcome, action.code) == (VisitOutcome.FLAGGED, "services.visit_synced_late")
    order = fresh(order_id)
    assert order.checked_in_at == made and order.checkin_received_at == clock.now
    assert order.synced_late is True
    assert not ServiceAlert.objects.unscoped(reason="test").exists()


# ---------------------------------------------------------------- checklist


def test_the_checklist_is_stored_on_the_order(job, clock):
    user, order_id = job
    report(user, order_id, "check_in", clock)
    action = report(
        user,
        order_id,
        "checklist",
        clock,
        items=["协助洗浴", "擦干并更换衣物", "协助洗浴"],
        note="老人情绪良好",
    )
    assert action.outcome == VisitOutcome.ACCEPTED
    order = fresh(order_id)
    assert order.checklist == ["协助洗浴", "擦干并更换衣物"] and order.visit_note == "老人情绪良好"


def test_a_checklist_entry_not_on_the_items_list_or_a_long_note_is_refused(job, clock):
    user, order_id = job
    with pytest.raises(errors.VisitWrongState):
        report(user, order_id, "checklist", clock, items=["协助洗浴"])
    report(user, order_id, "check_in", clock)
    with pytest.raises(errors.ChecklistInvalid) as refused:
        report(user, order_id, "checklist", clock, items=["协助洗浴", "打麻将"])
    assert "打麻将" in refused.value.message
    with pytest.raises(errors.VisitNoteInvalid) as long_note:
        report(user, order_id, "checklist", clock, items=[], note="好" * 301)
    assert "最多 300 个字" in long_note.value.message


def test_every_catalogue_item_has_a_checklist_of_three_to_six_things():
    from yanglao.services import visiting
    from yanglao.services.models import ServiceItem

    for item in ServiceItem.objects.all():
        assert 3 <= len(visiting.checklist_for(item.code)) <= 6, item.code


# ---------------------------------------------------------------- check-out


def test_check_out_after_the_service_is_accepted(job, clock):
    user, order_id = job
    action = visit_to_checkout(user, order_id, clock)
    assert action.outcome == VisitOutcome.ACCEPTED
    order = fresh(order_id)
    assert order.status == OrderStatus.CHECKED_OUT
    assert order.served_minutes == 60 and order.checked_out_at == clock.now
    assert order.checkout_distance_m == 0


def test_leaving_early_and_a_short_service_are_flagged(job, clock):
    user, order_id = job
    report(user, order_id, "check_in", clock)
    action = report(user, order_id, "check_out", clock, minutes=20)
    assert (action.outcome, action.code) == (VisitOutcome.FLAGGED, errors.CheckOutEarly.code)
    assert "早退 40 分钟" in action.message and "服务时长 20 分钟，不足 48 分钟" in action.message
    assert {a.kind for a in ServiceAlert.objects.unscoped(reason="test")} == {"early", "short"}
    assert fresh(order_id).status == OrderStatus.CHECKED_OUT


def test_a_check_out_timed_before_the_check_in_is_refused(job, clock):
    user, order_id = job
    report(user, order_id, "check_in", clock)
    action = report(user, order_id, "check_out", clock, at=clock.now - dt.timedelta(minutes=5))
    assert (action.outcome, action.code) == (VisitOutcome.REFUSED, "services.checkout_before_checkin")
    assert fresh(order_id).status == OrderStatus.CHECKED_IN


def test_check_out_needs_the_items_photos(job, clock, files):
    user, order_id = job
    rule(photos_required=2)
    report(user, order_id, "check_in", clock)
    refused = report(user, order_id, "check_out", clock, minutes=60)
    assert (refused.outcome, refused.code) == (VisitOutcome.REFUSED, "services.photos_missing")
    assert "需要上传 2 张服务照片，已上传 0 张" in refused.message
    services.visit_photo_add(actor=user, order_id=order_id, content=JPEG)
    order = services.visit_photo_add(actor=user, order_id=order_id, content=PNG)
    assert order.photos == 2 and len(order.photo_files) == 2
    for name in order.photo_files:
        path = files / name
        assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert len(name.split(".")[0]) == 32  # random hex, nothing about the person
    assert report(user, order_id, "check_out", clock).outcome == VisitOutcome.ACCEPTED


def test_photos_are_checked_by_their_bytes_size_and_number(job, clock):
    user, order_id = job
    with pytest.raises(errors.VisitWrongState):
        services.visit_photo_add(actor=user, order_id=order_id, content=JPEG)
    report(user, order_id, "check_in", clock)
    with pytest.raises(errors.PhotoInvalid):
        services.visit_photo_add(actor=user, order_id=order_id, content=b"GIF89a" + b"\x00" * 10)
    with pytest.raises(errors.PhotoTooLarge):
        services.visit_photo_add(actor=user, order_id=order_id, content=JPEG + b"\x00" * (2 * 1024 * 1024))
    for _ in range(3):
        services.visit_photo_add(actor=user, order_id=order_id, content=JPEG)
    with pytest.raises(errors.PhotoTooMany):
        services.visit_photo_add(actor=user, order_id=order_id, content=JPEG)


# ---------------------------------------------------------------- confirmation


def test_the_familys_code_confirms_the_visit(job, clock):
    user, order_id = job
    visit_to_checkout(user, order_id, clock)
    action = report(user, order_id, "confirm", clock, code=fresh(order_id).confirm_code)
    assert action.outcome == VisitOutcome.ACCEPTED and action.payload == {"via": "code"}
    order = fresh(order_id)
    assert (order.status, order.confirmed_via, order.confirmed_at) == (
        OrderStatus.CONFIRMED,
        "code",
        clock.now,
    )


def test_five_wrong_codes_lock_the_code_for_the_order(job, clock):
    user, order_id = job
    visit_to_checkout(user, order_id, clock)
    right = fresh(order_id).confirm_code
    wrong = "000000" if right != "000000" else "111111"
    answers = [report(user, order_id, "confirm", clock, code=wrong) for _ in range(5)]
    assert [a.outcome for a in answers] == [VisitOutcome.REFUSED] * 5
    assert answers[0].message == "家属确认码不正确，还可尝试 4 次"
    assert "已锁定" in answers[4].message and answers[4].code == "services.confirm_code_wrong"
    locked = report(user, order_id, "confirm", clock, code=right)
    assert (locked.outcome, locked.code) == (VisitOutcome.REFUSED, "services.confirm_locked")
    assert fresh(order_id).status == OrderStatus.CHECKED_OUT
    signed = report(
        user, order_id, "confirm", clock, signature="data:image/png;base64," + base64.b64encode(PNG).decode()
    )
    assert signed.outcome == VisitOutcome.ACCEPTED


def test_the_elders_signature_confirms_the_visit_and_is_stored_private(job, clock, files):
    user, order_id = job
    visit_to_checkout(user, order_id, clock)
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    action = report(user, order_id, "confirm", clock, signature=data_url)
    assert action.payload["via"] == "signature"
    path = files / action.payload["file"]
    assert path.read_bytes() == PNG and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert fresh(order_id).confirmed_via == "signature"


@pytest.mark.parametrize(
    "signature",
    [
        "data:image/jpeg;base64," + base64.b64encode(JPEG).decode(),
        "data:image/png;base64," + base64.b64encode(JPEG).decode(),  # says PNG, is not
        "data:image/png;base64,not-base64!",
        "data:image/png;base64," + base64.b64encode(PNG + b"\x00" * 205_000).decode(),
    ],
)
def test_a_bad_signature_is_refused(job, clock, signature):
    user, order_id = job
    visit_to_checkout(user, order_id, clock)
    with pytest.raises(errors.SignatureInvalid):
        report(user, order_id, "confirm", clock, signature=signature)
    assert fresh(order_id).status == OrderStatus.CHECKED_OUT


def test_a_confirmation_needs_a_code_or_a_signature(job, clock):
    user, order_id = job
    visit_to_checkout(user, order_id, clock)
    with pytest.raises(errors.ConfirmMissing):
        report(user, order_id, "confirm", clock)


# ---------------------------------------------------------------- API


def _post(client, **body):
    return client.post("/api/v1/services/visits", body, content_type="application/json")


def test_the_api_records_a_report_and_answers_repeats_alike(job, clock, client):
    user, order_id = job
    client.force_login(user)
    body = {
        "key": "api-key-00001",
        "order_id": order_id,
        "kind": "check_in",
        "phone_time": clock.now.isoformat(),
    }
    first = _post(client, **body, lat=HOME[0], lng=HOME[1])
    assert first.status_code == 200, first.content
    assert first.json()["outcome"] == "accepted" and first.json()["state"] == "checked_in"
    assert first.json()["state_label"] == "服务中"
    again = _post(client, **body)
    assert again.json()["id"] == first.json()["id"]


def test_the_api_refuses_with_a_code_and_a_chinese_message(job, clock, client, crew):
    user, order_id = job
    client.force_login(user)
    body = {
        "key": "api-key-00002",
        "order_id": order_id,
        "kind": "check_out",
        "phone_time": clock.now.isoformat(),
    }
    refused = _post(client, **body)
    assert refused.status_code == 422
    assert refused.json()["code"] == "services.checkout_not_checked_in"
    assert refused.json()["message"] == "尚未签到，不能签退"


def test_the_api_hides_another_providers_order(job, clock, client):
    _user, order_id = job
    elsewhere = offering(code="SH-ZY", contract=None).provider
    stranger = factories.user(role="caregiver", organisation=elsewhere, username="stranger_api")
    Caregiver.objects.create(user=stranger, provider=elsewhere, region_id=elsewhere.region_id, name="外机构")
    client.force_login(stranger)
    body = {
        "key": "api-key-00003",
        "order_id": order_id,
        "kind": "check_in",
        "phone_time": clock.now.isoformat(),
    }
    assert _post(client, **body).status_code == 404


def test_the_api_takes_photos_and_lists_the_day(job, clock, client):
    user, order_id = job
    client.force_login(user)
    today = client.get("/api/v1/services/care/today")
    assert today.status_code == 200
    assert [s["order_id"] for s in today.json()] == [order_id]
    assert today.json()[0]["checklist"][0] == "检查浴室防滑和水温"
    report(user, order_id, "check_in", clock)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = client.post(
        f"/api/v1/services/orders/{order_id}/photos",
        {"photo": SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")},
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["photos"] == 1
    bad = client.post(
        f"/api/v1/services/orders/{order_id}/photos",
        {"photo": SimpleUploadedFile("x.gif", b"GIF89a", content_type="image/gif")},
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "services.photo_invalid")


def test_an_upload_with_nul_in_a_text_field_is_still_refused(job, clock, client):
    user, order_id = job
    client.force_login(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = client.post(
        f"/api/v1/services/orders/{order_id}/photos",
        {"note": "a\x00b", "photo": SimpleUploadedFile("x.jpg", JPEG, content_type="image/jpeg")},
    )
    assert sent.status_code == 422 and "NUL" in sent.json()["message"]
