"""Two assessors per assessment (issue 9, 5.6): a submission counts only once the other assigned assessor
has confirmed it; until then it is not submitted for review."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from yanglao.assessment import errors, services
from yanglao.assessment.models import Assessment
from yanglao.assessment.tests import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(street_officer):
    agency, (one, two, three) = factories.agency_team()
    elder = people_factories.elder(actor=street_officer, name="确认对象")
    a = factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    return a, one, two, three


def stored(a):
    return Assessment.objects.unscoped(reason="test").get(pk=a.pk)


def test_the_first_assessor_alone_cannot_complete(setup, district_officer):
    a, one, _two, _three = setup
    submitted = services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    assert (submitted.status, submitted.get_status_display()) == ("confirming", "待第二评估员确认")
    assert submitted.submitted_by_id == one.pk and submitted.confirmed_by_id is None
    with pytest.raises(errors.NeedsOtherAssessor) as caught:
        services.assessment_confirm(actor=one, assessment_id=a.pk)
    assert caught.value.code == "assessment.needs_other_assessor"
    with pytest.raises(errors.WrongState, match="待第二评估员确认"):  # not in review yet
        services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    assert stored(a).status == "confirming"


def test_the_second_assessor_confirms_and_it_goes_to_review(setup, district_officer):
    a, one, two, _three = setup
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    confirmed = services.assessment_confirm(actor=two, assessment_id=a.pk)
    assert (confirmed.status, confirmed.confirmed_by_id) == ("submitted", two.pk)
    again = services.assessment_confirm(actor=two, assessment_id=a.pk)  # a double tap is harmless
    assert (again.status, again.confirmed_at) == ("submitted", confirmed.confirmed_at)
    approved = services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    assert approved.status == "approved"


def test_a_third_person_cannot_confirm(setup, street_officer):
    a, one, _two, three = setup
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    for outsider in (three, street_officer):  # a colleague of the same agency; the official who assigned
        with pytest.raises(PermissionDenied):
            services.assessment_confirm(actor=outsider, assessment_id=a.pk)
    assert stored(a).status == "confirming"


def test_a_change_after_submission_withdraws_it(setup):
    a, one, two, _three = setup
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    change = services.AnswerChange(name="B.1.1", value=4, at=10**13, change_id="two-1")
    reopened = services.assessment_record_answers(actor=two, assessment_id=a.pk, changes=[change])
    assert (reopened.status, reopened.submitted_by_id, reopened.total) == ("in_progress", None, None)
    with pytest.raises(errors.WrongState):
        services.assessment_confirm(actor=two, assessment_id=a.pk)
    services.assessment_submit(
        actor=two, assessment_id=a.pk, answers={**factories.full_answers(), "B.1.1": 4}
    )
    assert services.assessment_confirm(actor=one, assessment_id=a.pk).status == "submitted"


def test_the_page_offers_the_confirmation_to_the_other_assessor_only(setup, client):
    a, one, two, three = setup
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    detail = reverse("assessment:detail", args=[a.pk])
    client.force_login(one)
    page = client.get(detail).content.decode()
    assert "待第二评估员确认" in page and 'data-testid="confirm-card"' not in page
    response = client.post(reverse("assessment:confirm", args=[a.pk]), follow=True)
    assert "提交人不能自行确认" in response.content.decode() and stored(a).status == "confirming"
    client.force_login(three)
    assert client.post(reverse("assessment:confirm", args=[a.pk])).status_code == 403
    client.force_login(two)
    assert 'data-testid="confirm-card"' in client.get(detail).content.decode()
    response = client.post(reverse("assessment:confirm", args=[a.pk]), follow=True)
    assert "已确认，评估已提交审核" in response.content.decode() and stored(a).status == "submitted"
