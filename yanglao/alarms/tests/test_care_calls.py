"""Recording a care call's outcome, the phone reveal, and the three-missed-calls rule."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yanglao.alarms import errors
from yanglao.alarms.choices import CallResult, CareCallStatus, VisitReason, VisitTaskStatus
from yanglao.alarms.models import CareCall, VisitTask
from yanglao.alarms.services import care
from yanglao.alarms.tests import care_builders as b
from yanglao.core.errors import NotFound
from yanglao.core.models import Event
from yanglao.core.testing import factories
from yanglao.core.testing.fixtures import TIANPING

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MISSED = (CallResult.NO_ANSWER, CallResult.BUSY, CallResult.UNREACHABLE)


def tasks(person):
    return VisitTask.objects.unscoped(reason="test").filter(elder=person)


def call_on(person, days_ago, result, operator, note=""):
    """A call due ``days_ago`` days ago, made that day with ``result``."""
    day = TODAY - dt.timedelta(days=days_ago)
    made = b.due(person, day, operator)
    return care.care_call_record(actor=operator, call_id=made.pk, result=result, note=note, at=b.at(day))


def test_answered_needs_what_was_said_and_makes_the_call_done(operator, person):
    made = b.due(person, TODAY)
    with pytest.raises(errors.InvalidCareCall) as refused:
        care.care_call_record(actor=operator, call_id=made.pk, result=CallResult.ANSWERED, note="  ")
    assert refused.value.code == "alarms.care_call_note_missing" and "note" in refused.value.fields
    call = care.care_call_record(
        actor=operator, call_id=made.pk, result=CallResult.ANSWERED, note="身体还好，想要助餐"
    )
    assert call.status == CareCallStatus.DONE and call.operator == operator and call.called_at
    assert call.note == "身体还好，想要助餐"
    with pytest.raises(errors.InvalidCareCall) as again:
        care.care_call_record(actor=operator, call_id=made.pk, result=CallResult.BUSY)
    assert again.value.code == "alarms.care_call_already_done"


@pytest.mark.parametrize("result", MISSED)
def test_every_other_result_is_a_missed_call(operator, person, result):
    call = care.care_call_record(actor=operator, call_id=b.due(person, TODAY).pk, result=result)
    assert call.status == CareCallStatus.MISSED and call.result == result


def test_a_missed_call_may_be_tried_again_the_same_day_but_not_later(operator, person):
    today_call = b.due(person, TODAY)
    care.care_call_record(actor=operator, call_id=today_call.pk, result=CallResult.BUSY)
    retried = care.care_call_record(
        actor=operator, call_id=today_call.pk, result=CallResult.ANSWERED, note="第二次打通了"
    )
    assert retried.status == CareCallStatus.DONE
    old = call_on(b.elder(name="上周者"), 7, CallResult.NO_ANSWER, operator)
    with pytest.raises(errors.InvalidCareCall) as refused:
        care.care_call_record(actor=operator, call_id=old.pk, result=CallResult.ANSWERED, note="补记")
    assert refused.value.code == "alarms.care_call_missed_closed"


def test_bad_input_is_refused_with_its_own_code(operator, person):
    made = b.due(person, TODAY)
    with pytest.raises(errors.InvalidCareCall) as unknown:
        care.care_call_record(actor=operator, call_id=made.pk, result="hung_up")
    assert unknown.value.code == "alarms.care_call_result_unknown"
    with pytest.raises(errors.InvalidCareCall) as control:
        care.care_call_record(actor=operator, call_id=made.pk, result=CallResult.ANSWERED, note="好\x00")
    assert control.value.code == "alarms.care_call_note_invalid"
    future = b.due(person, TODAY + dt.timedelta(days=1))
    with pytest.raises(errors.InvalidCareCall) as early:
        care.care_call_record(actor=operator, call_id=future.pk, result=CallResult.BUSY)
    assert early.value.code == "alarms.care_call_not_due"


def test_an_unassigned_call_becomes_the_callers_and_publishes_its_state(
    operator, person, django_capture_on_commit_callbacks
):
    made = b.due(person, TODAY, operator=None)
    with django_capture_on_commit_callbacks(execute=True):
        care.care_call_record(actor=operator, call_id=made.pk, result=CallResult.NO_ANSWER)
    made.refresh_from_db()
    assert made.operator == operator
    event = Event.objects.unscoped(reason="test").filter(topic="alarms.care_call").latest("pk")
    assert event.payload == {"id": made.pk, "action": "record", "status": "missed"}
    assert event.region_code == person.region_id


def test_another_streets_call_is_not_found_for_an_operator_of_one_street(person):
    mine_only = factories.user(role="operator", regions=[TIANPING], username="tianping_operator")
    theirs = b.due(b.elder(region=b.HUNAN_1, name="湖南者"), TODAY)
    with pytest.raises(NotFound):
        care.care_call_record(actor=mine_only, call_id=theirs.pk, result=CallResult.BUSY)
    with pytest.raises(NotFound):
        care.care_call_reveal(actor=mine_only, call_id=theirs.pk)
    assert CareCall.objects.unscoped(reason="test").get(pk=theirs.pk).status == CareCallStatus.DUE


def test_a_street_officer_may_not_record_calls(street_officer, person):
    with pytest.raises(PermissionDenied):
        care.care_call_record(actor=street_officer, call_id=b.due(person, TODAY).pk, result="busy")


def test_the_call_button_reveals_the_phone_and_audits_it(operator, person):
    made = b.due(person, TODAY)
    phone = care.care_call_reveal(actor=operator, call_id=made.pk)
    assert phone == person.phone and len(phone) == 11
    entry = LogEntry.objects.filter(actor=operator).latest("pk")
    assert entry.additional_data["event"] == "elder.reveal" and entry.additional_data["reveal"] == "phone"
    assert phone not in str(entry.changes) + str(entry.additional_data)


def test_a_person_who_died_is_not_called(operator, person, street_officer):
    from yanglao.people import services as people_services

    made = b.due(person, TODAY)
    people_services.elder_record_death(actor=street_officer, elder_id=person.pk, date=TODAY)
    with pytest.raises(errors.InvalidCareCall) as refused:
        care.care_call_record(actor=operator, call_id=made.pk, result=CallResult.BUSY)
    assert refused.value.code == "alarms.care_call_person_inactive"


# ---------------------------------------------------------------- three missed calls in a row


def test_two_missed_then_answered_then_missed_opens_no_task(operator, person):
    call_on(person, 21, CallResult.NO_ANSWER, operator)
    call_on(person, 14, CallResult.BUSY, operator)
    call_on(person, 7, CallResult.ANSWERED, operator, note="很好")
    call_on(person, 0, CallResult.UNREACHABLE, operator)
    assert not tasks(person).exists()


def test_three_missed_in_a_row_open_one_task_and_a_fourth_no_second(
    operator, person, django_capture_on_commit_callbacks
):
    call_on(person, 21, CallResult.ANSWERED, operator, note="很好")
    call_on(person, 14, CallResult.NO_ANSWER, operator)
    call_on(person, 10, CallResult.BUSY, operator)  # whatever the days between
    with django_capture_on_commit_callbacks(execute=True):
        call_on(person, 2, CallResult.UNREACHABLE, operator)
    task = tasks(person).get()
    assert task.reason == VisitReason.MISSED_CARE_CALLS and task.status == VisitTaskStatus.OPEN
    assert task.region_id == person.region_id and task.created_by == operator
    event = Event.objects.unscoped(reason="test").filter(topic="alarms.visit").latest("pk")
    assert event.payload == {"id": task.pk, "action": "open", "reason": "missed_calls"}
    assert event.region_code == person.region_id
    call_on(person, 0, CallResult.NO_ANSWER, operator)
    assert tasks(person).count() == 1


def test_closing_the_task_starts_the_count_again(operator, person, street_officer):
    for days_ago in (30, 20, 10):
        call_on(person, days_ago, CallResult.NO_ANSWER, operator)
    care.visit_task_close(
        actor=street_officer,
        task_id=tasks(person).get().pk,
        result="老人住院了，已联系女儿",
        at=b.at(TODAY - dt.timedelta(days=5)),
    )
    call_on(person, 3, CallResult.NO_ANSWER, operator)
    assert tasks(person).count() == 1  # one missed since closing: no new task
    call_on(person, 2, CallResult.BUSY, operator)
    call_on(person, 1, CallResult.UNREACHABLE, operator)
    assert tasks(person).filter(status=VisitTaskStatus.OPEN).count() == 1 and tasks(person).count() == 2


# ---------------------------------------------------------------- closing a visit task


def open_task(person, operator):
    for days_ago in (3, 2, 1):
        call_on(person, days_ago, CallResult.NO_ANSWER, operator)
    return tasks(person).get()


def test_closing_records_what_was_found_and_a_closed_task_stays_closed(
    operator, person, street_officer, django_capture_on_commit_callbacks
):
    task = open_task(person, operator)
    with pytest.raises(errors.VisitTaskRefused) as empty:
        care.visit_task_close(actor=street_officer, task_id=task.pk, result="   ")
    assert empty.value.code == "alarms.visit_task_result_invalid" and "result" in empty.value.fields
    with django_capture_on_commit_callbacks(execute=True):
        closed = care.visit_task_close(actor=street_officer, task_id=task.pk, result="电话坏了，老人安好")
    assert closed.status == VisitTaskStatus.CLOSED and closed.closed_by == street_officer
    assert closed.result == "电话坏了，老人安好" and closed.closed_at
    event = Event.objects.unscoped(reason="test").filter(topic="alarms.visit").latest("pk")
    assert event.payload == {"id": task.pk, "action": "close", "reason": "missed_calls"}
    with pytest.raises(errors.VisitTaskRefused) as again:
        care.visit_task_close(actor=street_officer, task_id=task.pk, result="再次")
    assert again.value.code == "alarms.visit_task_already_closed"


def test_another_streets_task_is_not_found_and_operators_may_not_close(
    operator, person, other_street_officer
):
    task = open_task(person, operator)
    with pytest.raises(NotFound):
        care.visit_task_close(actor=other_street_officer, task_id=task.pk, result="看过了")
    with pytest.raises(PermissionDenied):
        care.visit_task_close(actor=operator, task_id=task.pk, result="看过了")
    assert tasks(person).get().status == VisitTaskStatus.OPEN


def test_open_calls_and_tasks_follow_a_move(operator, person, district_officer):
    from yanglao.people import services as people_services

    street_only = factories.user(role="operator", regions=[TIANPING], username="tp_operator")
    task = open_task(person, operator)
    waiting = b.due(person, TODAY, operator=street_only)
    people_services.elder_move(actor=district_officer, elder_id=person.pk, region_code=b.HUNAN_1, date=TODAY)
    waiting.refresh_from_db()
    task.refresh_from_db()
    assert waiting.region_id == task.region_id == b.HUNAN_1
    assert waiting.operator_id is None  # her street no longer covers the person
