"""Handling an alarm (services/console.py): one test per rule."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yanglao.alarms import errors
from yanglao.alarms.choices import (
    ActionKind,
    AlarmKind,
    AlarmStatus,
    CallResult,
    Outcome,
    VisitReason,
    VisitTaskStatus,
)
from yanglao.alarms.models import AlarmAction, VisitTask
from yanglao.alarms.services import console as services
from yanglao.alarms.tests.console_builders import HUNAN, another_operator, raise_alarm, reload
from yanglao.core.errors import NotFound
from yanglao.core.models import Event
from yanglao.services.choices import Channel
from yanglao.services.tests.builders import offering

pytestmark = pytest.mark.django_db


def _actions(alarm, kind=None):
    qs = AlarmAction.objects.unscoped(reason="test").filter(alarm=alarm)
    return list(qs.filter(kind=kind) if kind else qs)


def _events(alarm):
    return [
        e.payload
        for e in Event.objects.unscoped(reason="test").filter(topic="alarms.alarm").order_by("pk")
        if e.payload["id"] == alarm.pk
    ]


# ---------------------------------------------------------------- claim


def test_the_first_claim_wins_and_a_second_operator_is_refused(person, operator):
    alarm = raise_alarm(person)
    colleague = another_operator("second_operator")
    claimed = services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    assert claimed.status == AlarmStatus.CLAIMED and claimed.claimed_by == operator
    with pytest.raises(errors.AlarmRefused) as refused:
        services.alarm_claim(actor=colleague, alarm_id=alarm.pk)
    assert refused.value.code == "alarms.claimed_by_other"
    assert "已由其他坐席接警" in refused.value.message
    assert reload(alarm).claimed_by == operator
    # Pressing again is harmless: the same alarm, no second claim step.
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    assert len(_actions(alarm, ActionKind.CLAIM)) == 1


def test_a_closed_alarm_cannot_be_claimed(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome=Outcome.RESOLVED_HOME)
    with pytest.raises(errors.AlarmRefused, match="已结案"):
        services.alarm_claim(actor=another_operator("late_operator"), alarm_id=alarm.pk)


def test_another_streets_alarm_is_not_found_for_claims_and_steps(person):
    alarm = raise_alarm(person)  # 天平路
    hunan = another_operator("hunan_operator", (HUNAN,))
    with pytest.raises(NotFound):
        services.alarm_claim(actor=hunan, alarm_id=alarm.pk)
    with pytest.raises(NotFound):
        services.alarm_note_add(actor=hunan, alarm_id=alarm.pk, note="试图记录")
    with pytest.raises(NotFound):
        services.alarm_close(actor=hunan, alarm_id=alarm.pk, outcome=Outcome.FALSE_ALARM, note="x")
    assert reload(alarm).status == AlarmStatus.OPEN and _actions(alarm) == []


def test_users_without_the_handling_right_are_refused(person, street_officer):
    alarm = raise_alarm(person)
    with pytest.raises(PermissionDenied):
        services.alarm_claim(actor=street_officer, alarm_id=alarm.pk)


def test_a_supervisor_takes_over_and_the_first_claim_time_stays(person, operator, supervisor):
    alarm = raise_alarm(person)
    first = services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with pytest.raises(errors.AlarmRefused) as own:
        services.alarm_take_over(actor=supervisor, alarm_id=alarm.pk)  # not claimed by her: fine
        services.alarm_take_over(actor=supervisor, alarm_id=alarm.pk)
    assert own.value.code == "alarms.take_over_own"
    taken = reload(alarm)
    assert taken.claimed_by == supervisor and taken.claimed_at == first.claimed_at
    assert "原接警坐席" in _actions(alarm, ActionKind.CLAIM)[-1].note
    with pytest.raises(errors.AlarmRefused) as gone:
        services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="继续")
    assert gone.value.code == "alarms.not_handler"


def test_operators_cannot_take_over(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with pytest.raises(PermissionDenied):
        services.alarm_take_over(actor=another_operator("other_op"), alarm_id=alarm.pk)


# ---------------------------------------------------------------- steps


def test_steps_need_the_claim_first_and_only_the_handler_or_a_supervisor_records_them(
    person, operator, supervisor
):
    alarm = raise_alarm(person)
    with pytest.raises(errors.AlarmRefused, match="请先接警"):
        services.alarm_call_person(actor=operator, alarm_id=alarm.pk, result=CallResult.NO_ANSWER)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with pytest.raises(errors.AlarmRefused) as other:
        services.alarm_call_person(
            actor=another_operator("bystander"), alarm_id=alarm.pk, result=CallResult.BUSY
        )
    assert other.value.code == "alarms.not_handler"
    services.alarm_note_add(actor=supervisor, alarm_id=alarm.pk, note="督办已知悉")
    assert [a.kind for a in _actions(alarm)] == [ActionKind.CLAIM, ActionKind.NOTE]


def test_calls_record_their_result_and_contacts_go_by_their_order(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    services.alarm_call_person(actor=operator, alarm_id=alarm.pk, result=CallResult.NO_ANSWER)
    daughter = services.alarm_call_contact(
        actor=operator, alarm_id=alarm.pk, position=1, result=CallResult.ANSWERED, note="女儿 10 分钟到"
    )
    assert (daughter.contact_position, daughter.result, daughter.actor) == (1, "answered", operator)
    with pytest.raises(errors.AlarmRefused) as missing:
        services.alarm_call_contact(actor=operator, alarm_id=alarm.pk, position=3, result=CallResult.ANSWERED)
    assert missing.value.code == "alarms.contact_missing"
    with pytest.raises(errors.AlarmRefused) as bad:
        services.alarm_call_person(actor=operator, alarm_id=alarm.pk, result="maybe")
    assert bad.value.code == "alarms.call_result_invalid"
    with pytest.raises(errors.AlarmRefused) as long:
        services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="长" * 501)
    assert long.value.code == "alarms.note_too_long"


def test_emergency_calls_and_notes_are_timed_steps(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    step = services.alarm_emergency_call(actor=operator, alarm_id=alarm.pk, service="120", note="已派车")
    assert step.kind == ActionKind.CALL_120 and step.at >= alarm.raised_at
    with pytest.raises(errors.AlarmRefused) as wrong:
        services.alarm_emergency_call(actor=operator, alarm_id=alarm.pk, service="999")
    assert wrong.value.code == "alarms.emergency_service_invalid"
    with pytest.raises(errors.AlarmRefused) as empty:
        services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="  ")
    assert empty.value.code == "alarms.note_missing"
    with pytest.raises(errors.AlarmRefused) as nul:
        services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="已派车\x00")
    assert nul.value.code == "alarms.note_unreadable" and "控制字符" in nul.value.message
    kept = services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="  第一行\n第二行 ")
    assert kept.note == "第一行\n第二行"


def test_a_step_on_a_closed_alarm_is_refused(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome=Outcome.HOSPITAL)
    for step in (
        lambda: services.alarm_note_add(actor=operator, alarm_id=alarm.pk, note="补记"),
        lambda: services.alarm_call_person(actor=operator, alarm_id=alarm.pk, result=CallResult.ANSWERED),
        lambda: services.alarm_dispatch_community(actor=operator, alarm_id=alarm.pk),
    ):
        with pytest.raises(errors.AlarmRefused, match="已结案"):
            step()
    assert len(_actions(alarm)) == 2  # claim and close


def test_dispatching_the_community_creates_one_open_visit_task(
    person, operator, django_capture_on_commit_callbacks
):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with django_capture_on_commit_callbacks(execute=True):
        task = services.alarm_dispatch_community(actor=operator, alarm_id=alarm.pk, note="请带钥匙")
    # The community's visit list hears of it at once.
    from yanglao.core.models import Event

    sent = (
        Event.objects.unscoped(reason="test").filter(topic="alarms.visit").values_list("payload", flat=True)
    )
    assert {"id": task.pk, "action": "open", "reason": "alarm"} in list(sent)
    row = VisitTask.objects.unscoped(reason="test").get(pk=task.pk)
    assert (row.reason, row.status, row.elder_id, row.region_id, row.alarm_id, row.created_by) == (
        VisitReason.ALARM,
        VisitTaskStatus.OPEN,
        person.pk,
        person.region_id,
        alarm.pk,
        operator,
    )
    assert _actions(alarm, ActionKind.DISPATCH_COMMUNITY)[0].visit_task_id == task.pk
    with pytest.raises(errors.AlarmRefused) as again:
        services.alarm_dispatch_community(actor=operator, alarm_id=alarm.pk)
    assert again.value.code == "alarms.visit_already_sent"


def test_dispatching_a_provider_places_a_hotline_work_order(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    serving = offering(code="SH-ZY", contract=None, areas=("310104003000",))
    order = services.alarm_dispatch_provider(
        actor=operator,
        alarm_id=alarm.pk,
        offering_id=serving.pk,
        note="协助起身",
        client_key="alarm-key-0001",
    )
    assert (order.elder_id, order.channel, order.placed_by, order.provider_id) == (
        person.pk,
        Channel.HOTLINE,
        operator,
        serving.provider_id,
    )
    assert reload(alarm).service_order_id == order.pk
    assert _actions(alarm, ActionKind.DISPATCH_PROVIDER)[0].service_order_id == order.pk
    # A retried post with the same key is the same order.
    again = services.alarm_dispatch_provider(
        actor=operator, alarm_id=alarm.pk, offering_id=serving.pk, client_key="alarm-key-0001"
    )
    assert again.pk == order.pk


def test_a_provider_not_serving_the_home_is_refused_by_services(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    elsewhere = offering(code="SH-ZY", contract=None, areas=("310104004000",))
    with pytest.raises(Exception) as refused:
        services.alarm_dispatch_provider(actor=operator, alarm_id=alarm.pk, offering_id=elsewhere.pk)
    assert getattr(refused.value, "code", "") == "services.outside_area"
    assert _actions(alarm, ActionKind.DISPATCH_PROVIDER) == []


def test_revealing_phones_returns_them_to_the_handler_and_is_audited(person, operator):
    alarm = raise_alarm(person)
    with pytest.raises(errors.AlarmRefused):
        services.alarm_phones_reveal(actor=operator, alarm_id=alarm.pk)  # not claimed yet
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    phones = services.alarm_phones_reveal(actor=operator, alarm_id=alarm.pk)
    assert [(p.position, p.phone, p.has_key) for p in phones] == [
        (0, person.phone, False),
        (1, "13912345678", True),
        (2, "13800001111", False),
    ]
    entry = LogEntry.objects.filter(additional_data__event="elder.reveal").latest("pk")
    assert entry.actor == operator and entry.object_pk == str(person.pk)
    assert entry.additional_data["alarm"] == alarm.pk and entry.additional_data["contacts"] == [1, 2]
    assert "13912345678" not in str(entry.additional_data) + entry.object_repr
    assert len(_actions(alarm, ActionKind.REVEAL)) == 1


def test_medicines_and_the_home_on_the_map_are_audited_once_per_user_and_alarm(person, operator, supervisor):
    person.medicines = "硝苯地平缓释片 每日两次"
    person.save(update_fields=["medicines"])
    alarm = reload(raise_alarm(person))
    shown = services.alarm_screen_reveal(actor=operator, alarm=alarm)
    assert shown.medicines == "硝苯地平缓释片 每日两次" and shown.home == (31.2075, 121.444)
    services.alarm_screen_reveal(actor=operator, alarm=alarm)
    entries = LogEntry.objects.filter(additional_data__alarm=alarm.pk, additional_data__event="elder.reveal")
    assert sorted(e.additional_data["reveal"] for e in entries) == ["lat", "medicines"]
    assert "硝苯地平" not in str([e.additional_data for e in entries]) + str([e.object_repr for e in entries])
    services.alarm_screen_reveal(actor=supervisor, alarm=alarm)  # another reader: her own entries
    assert entries.all().count() == 4


def test_users_who_may_not_reveal_see_neither(person, operator):
    person.medicines = "某药"
    person.save(update_fields=["medicines"])
    reader = another_operator("no_reveal")
    reader.groups.clear()
    reader.user_permissions.add(Permission.objects.get(codename="view_alarm"))
    reader = type(reader).objects.get(pk=reader.pk)
    assert services.alarm_screen_reveal(
        actor=reader, alarm=reload(raise_alarm(person))
    ) == services.ScreenReveal("", None)
    assert not LogEntry.objects.filter(additional_data__event="elder.reveal").exists()


# ---------------------------------------------------------------- close


def test_closing_needs_an_outcome_and_some_outcomes_a_note(person, operator):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with pytest.raises(errors.AlarmRefused) as none:
        services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome="")
    assert none.value.code == "alarms.outcome_missing"
    with pytest.raises(errors.AlarmRefused) as why:
        services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome=Outcome.FALSE_ALARM)
    assert why.value.code == "alarms.note_missing"
    closed = services.alarm_close(
        actor=operator, alarm_id=alarm.pk, outcome=Outcome.HOSPITAL, note="120 送瑞金医院"
    )
    assert (closed.status, closed.outcome, closed.closed_by) == ("closed", "hospital", operator)
    assert _actions(alarm)[-1].note == "送医。120 送瑞金医院"


def test_only_the_handler_or_a_supervisor_closes(person, operator, supervisor):
    alarm = raise_alarm(person)
    with pytest.raises(errors.AlarmRefused) as early:
        services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome=Outcome.RESOLVED_HOME)
    assert early.value.code == "alarms.close_before_claim"
    services.alarm_claim(actor=operator, alarm_id=alarm.pk)
    with pytest.raises(errors.AlarmRefused) as other:
        services.alarm_close(
            actor=another_operator("someone"), alarm_id=alarm.pk, outcome=Outcome.RESOLVED_HOME
        )
    assert other.value.code == "alarms.close_not_handler"
    services.alarm_close(actor=supervisor, alarm_id=alarm.pk, outcome=Outcome.DEVICE_FAULT)
    assert reload(alarm).closed_by == supervisor


def test_each_step_publishes_an_event_with_ids_and_states_only(
    person, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alarm = raise_alarm(person)
        services.alarm_claim(actor=operator, alarm_id=alarm.pk)
        services.alarm_call_person(actor=operator, alarm_id=alarm.pk, result=CallResult.NO_ANSWER)
        services.alarm_close(actor=operator, alarm_id=alarm.pk, outcome=Outcome.RESOLVED_HOME)
    assert _events(alarm) == [
        {"id": alarm.pk, "action": action, "kind": "fall", "severity": 1}
        for action in ("raise", "claim", "step", "close")
    ]


# ---------------------------------------------------------------- escalation


def test_escalation_goes_by_the_clock_and_never_touches_claimed_alarms(person, operator, settings):
    settings.ALARM_ESCALATE_SECONDS = 30
    start = timezone.now() - dt.timedelta(hours=1)
    waiting = raise_alarm(person, at=start)
    handled = raise_alarm(person, AlarmKind.SOS, at=start)
    services.alarm_claim(actor=operator, alarm_id=handled.pk)

    assert services.alarm_escalate_due(now=start + dt.timedelta(seconds=29)) == []
    assert reload(waiting).escalation_level == 0

    assert services.alarm_escalate_due(now=start + dt.timedelta(seconds=30)) == [waiting.pk]
    first = reload(waiting)
    assert first.escalation_level == 1 and first.escalated_at == start + dt.timedelta(seconds=30)
    step = _actions(waiting, ActionKind.ESCALATE)[0]
    assert step.actor is None and step.at == start + dt.timedelta(seconds=30)

    assert services.alarm_escalate_due(now=start + dt.timedelta(seconds=59)) == []
    assert services.alarm_escalate_due(now=start + dt.timedelta(seconds=60)) == [waiting.pk]
    assert services.alarm_escalate_due(now=start + dt.timedelta(seconds=60)) == []  # idempotent
    second = reload(waiting)
    assert second.escalation_level == 2 and second.escalated_at == first.escalated_at
    assert len(_actions(waiting, ActionKind.ESCALATE)) == 2

    assert reload(handled).escalation_level == 0
    assert _actions(handled, ActionKind.ESCALATE) == []


def test_a_late_sweep_jumps_to_the_level_due_once_and_stops_at_the_cap(person, settings):
    settings.ALARM_ESCALATE_SECONDS = 30
    settings.ALARM_ESCALATE_MAX_LEVEL = 6
    start = timezone.now() - dt.timedelta(hours=1)
    alarm = raise_alarm(person, at=start)
    services.alarm_escalate_due(now=start + dt.timedelta(seconds=95))
    assert reload(alarm).escalation_level == 3 and len(_actions(alarm, ActionKind.ESCALATE)) == 1
    services.alarm_escalate_due(now=start + dt.timedelta(minutes=30))
    assert reload(alarm).escalation_level == 6
    assert services.alarm_escalate_due(now=start + dt.timedelta(hours=2)) == []
    assert services.next_escalation_at(reload(alarm)) is None


def test_escalation_publishes_escalate_events(person, django_capture_on_commit_callbacks, settings):
    settings.ALARM_ESCALATE_SECONDS = 30
    start = timezone.now() - dt.timedelta(minutes=5)
    alarm = raise_alarm(person, at=start)
    with django_capture_on_commit_callbacks(execute=True):
        services.alarm_escalate_due(now=start + dt.timedelta(seconds=31))
    assert _events(alarm)[-1] == {"id": alarm.pk, "action": "escalate", "kind": "fall", "severity": 1}


def test_raising_sets_the_escalation_timer_after_commit(person, django_capture_on_commit_callbacks):
    from huey.contrib.djhuey import HUEY

    before = len(HUEY.scheduled())
    at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        alarm = raise_alarm(person, at=at)
    timers = HUEY.scheduled()[before:]
    assert len(timers) == 1
    assert timers[0].args[0] == "yanglao.alarms.escalation.escalate_alarm"
    assert timers[0].args[1] == [alarm.pk]
    due = timers[0].eta.replace(tzinfo=dt.UTC) if timers[0].eta.tzinfo is None else timers[0].eta
    assert abs((due - (at + dt.timedelta(seconds=30))).total_seconds()) < 1
