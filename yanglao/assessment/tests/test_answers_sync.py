"""Answers sent from an assessor's device (issue 9, 5.3): merged field by field, idempotent, whatever order
they arrive in; the page's answer names what the server holds."""

import json

import pytest
from django.urls import reverse

from yanglao.assessment import errors, services
from yanglao.assessment.models import Assessment
from yanglao.assessment.services import AnswerChange
from yanglao.assessment.tests import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(street_officer):
    agency, (one, two, three) = factories.agency_team()
    elder = people_factories.elder(actor=street_officer, name="离线对象")
    a = factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    return a, one, two, three


def stored(a):
    return Assessment.objects.unscoped(reason="test").get(pk=a.pk)


def test_changes_merge_and_a_resend_changes_nothing(setup):
    a, one, two, _ = setup
    batch = [
        AnswerChange("B.1.1", 4, 1000, "a"),
        AnswerChange("B.1.2", 2, 1001, "b"),
        AnswerChange("coma", True, 1002, "c"),
        AnswerChange("risk_跌倒", 2, 1003, "d"),
    ]
    services.assessment_record_answers(actor=one, assessment_id=a.pk, changes=batch)
    first = stored(a)
    assert first.answers == {"B.1.1": 4, "B.1.2": 2} and first.status == "in_progress"
    assert first.context["coma"] is True and first.context["risk_events"] == {"跌倒": 2}
    services.assessment_record_answers(actor=one, assessment_id=a.pk, changes=batch)  # sent again
    again = stored(a)
    assert (again.answers, again.context, again.answer_stamps) == (
        first.answers,
        first.context,
        first.answer_stamps,
    )
    # the other assessor, on another phone, answers another item: both answers are kept
    services.assessment_record_answers(
        actor=two, assessment_id=a.pk, changes=[AnswerChange("B.1.3", 0, 900, "x")]
    )
    assert stored(a).answers == {"B.1.1": 4, "B.1.2": 2, "B.1.3": 0}


def test_the_latest_change_wins_whatever_the_order_of_arrival(setup):
    a, one, two, _ = setup
    services.assessment_record_answers(
        actor=one, assessment_id=a.pk, changes=[AnswerChange("B.1.1", 0, 2000, "new")]
    )
    # queued offline earlier, arriving later: older than what the server holds
    services.assessment_record_answers(
        actor=two, assessment_id=a.pk, changes=[AnswerChange("B.1.1", 4, 1500, "old")]
    )
    assert stored(a).answers["B.1.1"] == 0
    services.assessment_record_answers(
        actor=one, assessment_id=a.pk, changes=[AnswerChange("B.1.1", None, 2500, "clr")]
    )
    assert "B.1.1" not in stored(a).answers


def test_refusals(setup):
    a, one, _two, three = setup
    with pytest.raises(errors.InvalidAnswers) as caught:
        services.assessment_record_answers(
            actor=one, assessment_id=a.pk, changes=[AnswerChange("B.1.1", 7, 1, "z")]
        )
    assert "B.1.1" in caught.value.fields and stored(a).answers == {}
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.assessment_record_answers(actor=three, assessment_id=a.pk, changes=[])


def post(client, a, body):
    return client.post(
        reverse("assessment:answers", args=[a.pk]),
        body if isinstance(body, (bytes, str)) else json.dumps(body),
        content_type="application/json",
    )


def test_the_page_endpoint_answers_what_the_server_holds(setup, client):
    a, one, _two, _ = setup
    client.force_login(one)
    changes = [
        {"name": "B.1.1", "value": "4", "at": 1700000000000, "id": "k1"},
        {"name": "B.1.2", "value": "2", "at": 1700000000001, "id": "k2"},
        {"name": "diagnoses", "value": "f01， i10", "at": 1700000000002, "id": "k3"},
    ]
    response = post(client, a, {"changes": changes})
    assert response.status_code == 200
    assert "服务器已保存 2/26 项" in response.content.decode()
    response = post(client, a, {"changes": changes})  # the same queue again after a lost answer
    assert "服务器已保存 2/26 项" in response.content.decode()
    assert stored(a).context["diagnoses"] == ["F01", "I10"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"null",
        {"changes": "B.1.1"},
        {"changes": [{"name": "B.1.1", "value": 4, "at": 1, "id": "n"}]},
        {"changes": [{"name": "B.1.1", "value": "4", "at": "soon", "id": "n"}]},
        {"changes": [{"name": "B.9.9", "value": "1", "at": 1, "id": "n"}]},
        {"changes": [{"name": "B.1.1", "value": "7", "at": 1, "id": "n"}]},
    ],
)
def test_bad_changes_are_422_in_chinese(setup, client, body):
    a, one, _two, _ = setup
    client.force_login(one)
    response = post(client, a, body)
    assert response.status_code == 422
    text = response.content.decode()
    assert 'role="alert"' in text and ("有误" in text or "未知" in text or "可选分值" in text)
    assert stored(a).answers == {}


def test_a_frozen_assessment_refuses_late_changes(setup, client):
    a, one, two, _ = setup
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    services.assessment_confirm(actor=two, assessment_id=a.pk)
    client.force_login(one)
    response = post(client, a, {"changes": [{"name": "B.1.1", "value": "4", "at": 1, "id": "late"}]})
    assert response.status_code == 422 and "待审核" in response.content.decode()
