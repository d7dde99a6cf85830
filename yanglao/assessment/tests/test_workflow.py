"""The workflow against the database: request → assign → draft → submit → review → the person's level."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from yanglao.assessment import errors, selectors, services
from yanglao.assessment.models import Assessment
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.people import selectors as people_selectors
from yanglao.people.models import Elder
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


def answers(total_max=True):
    from yanglao.assessment import instruments

    data = instruments.get("gbt42195-2022")
    pick = max if total_max else min
    return {i["code"]: pick(o["score"] for o in i["options"]) for d in data["dimensions"] for i in d["items"]}


@pytest.fixture
def team():
    agency = core_factories.organisation(
        region_code="310104000000", name="评估中心甲", kind="assessment_agency"
    )
    one = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="a1")
    two = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="a2")
    three = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="a3")
    four = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="a4")
    return agency, one, two, three, four


@pytest.fixture
def elder(street_officer):
    return people_factories.elder(actor=street_officer, name="评估对象")


def run_to_submitted(street_officer, team, elder, picked=None):
    agency, one, two, *_ = team
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    half = dict(list((picked or answers(False)).items())[:10])
    services.assessment_save_draft(actor=one, assessment_id=a.pk, answers=half)
    services.assessment_submit(
        actor=one, assessment_id=a.pk, answers=picked or answers(False), context={"coma": False}
    )
    return services.assessment_confirm(actor=two, assessment_id=a.pk)


def test_happy_path_sets_the_level_and_the_disabled_group(street_officer, district_officer, team, elder):
    a = run_to_submitted(street_officer, team, elder)
    assert (a.status, a.total, a.final_level, a.level_name) == ("submitted", 0, 4, "能力完全丧失（完全失能）")
    with pytest.raises(errors.WrongState):  # frozen once submitted
        services.assessment_save_draft(actor=team[1], assessment_id=a.pk, answers={})
    approved = services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    assert approved.status == "approved" and approved.valid_until > dt.date.today()
    elder = Elder.objects.unscoped(reason="test").get(pk=elder.pk)
    assert (elder.ability_level, elder.ability_instrument) == (4, "gbt42195-2022")
    assert "disabled" in [g.code for g in people_selectors.elder_groups(elder)]


def test_return_then_resubmit_then_supersede(street_officer, district_officer, team, elder):
    a = run_to_submitted(street_officer, team, elder)
    with pytest.raises(errors.WrongState, match="审核意见"):
        services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=False)
    services.assessment_review(
        actor=district_officer, assessment_id=a.pk, approve=False, comment="B.1.1 请复核"
    )
    again = services.assessment_submit(actor=team[2], assessment_id=a.pk, answers=answers(True))
    assert (again.status, again.final_level, again.confirmed_by) == ("confirming", 0, None)
    services.assessment_confirm(actor=team[1], assessment_id=a.pk)
    services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    second = run_to_submitted(street_officer, team, elder)
    services.assessment_review(actor=district_officer, assessment_id=second.pk, approve=True)
    assert Assessment.objects.unscoped(reason="test").get(pk=a.pk).status == "superseded"
    assert Elder.objects.unscoped(reason="test").get(pk=elder.pk).ability_level == 4


def test_assignment_rules(street_officer, team, elder):
    agency, one, two, three, _ = team
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="mzt039-2013", reason="routine"
    )
    with pytest.raises(errors.InvalidAssignment, match="同一人"):
        services.assessment_assign(
            actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, one.pk)
        )
    stranger = core_factories.user(role=Role.GOVERNMENT, regions=["310104003000"])
    with pytest.raises(errors.InvalidAssignment, match="评估机构的在职评估员"):
        services.assessment_assign(
            actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, stranger.pk)
        )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    with pytest.raises(PermissionDenied):  # only the two assigned assessors fill the form
        services.assessment_save_draft(actor=three, assessment_id=a.pk, answers={})


def test_dispute_needs_other_assessors(street_officer, district_officer, team, elder):
    agency, one, _two, three, four = team
    a = run_to_submitted(street_officer, team, elder)
    services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    review = services.assessment_dispute(actor=street_officer, assessment_id=a.pk, note="家属认为等级偏高")
    assert review.reason == "review" and review.disputed_of_id == a.pk
    with pytest.raises(errors.InvalidAssignment, match="原评估员以外"):
        services.assessment_assign(
            actor=street_officer,
            assessment_id=review.pk,
            agency_id=agency.pk,
            assessor_ids=(one.pk, three.pk),
        )
    services.assessment_assign(
        actor=street_officer, assessment_id=review.pk, agency_id=agency.pk, assessor_ids=(three.pk, four.pk)
    )


def test_bad_drafts_and_submissions_name_the_item(street_officer, team, elder):
    agency, one, two, *_ = team
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    with pytest.raises(errors.InvalidAnswers) as caught:
        services.assessment_save_draft(actor=one, assessment_id=a.pk, answers={"B.2.4": 4, "X.1": 1})
    assert set(caught.value.fields) == {"B.2.4", "X.1"}
    with pytest.raises(errors.InvalidAnswers) as caught:
        services.assessment_submit(actor=one, assessment_id=a.pk, answers={"B.1.1": 4})
    assert "B.4.5" in caught.value.fields


def test_unknown_instrument_and_scope(street_officer, other_street_officer, elder):
    with pytest.raises(errors.UnknownInstrument):
        services.assessment_request(actor=street_officer, elder_id=elder.pk, instrument="xyz", reason="first")
    from django.http import Http404

    with pytest.raises(Http404):
        services.assessment_request(
            actor=other_street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
        )


def test_reviewer_cannot_be_an_assessor_and_due_list(street_officer, district_officer, team, elder):
    a = run_to_submitted(street_officer, team, elder)
    team[1].user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename="review_assessment"
        )
    )
    reviewer = type(team[1]).objects.get(pk=team[1].pk)
    with pytest.raises(errors.WrongState, match="不能审核自己"):
        services.assessment_review(actor=reviewer, assessment_id=a.pk, approve=True)
    services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True, valid_months=1)
    due = selectors.reassessment_due(user=street_officer, within_days=40)
    assert [x.pk for x in due] == [a.elder_id]
    assert list(selectors.reassessment_due(user=street_officer, within_days=5)) == []


def test_add_months_handles_month_ends():
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert services.add_months(dt.date(2026, 11, 24), 12) == dt.date(2027, 11, 24)


def test_rescore_after_a_rule_change_moves_results_and_levels(
    street_officer, district_officer, team, elder, monkeypatch
):
    import copy

    from yanglao.assessment import instruments

    picked = answers(True)
    a = run_to_submitted(street_officer, team, elder, picked=picked)
    services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    assert services.assessment_rescore(instrument="gbt42195-2022", reason="test") == {
        "checked": 1,
        "changed": 0,
    }
    changed = copy.deepcopy(instruments.get("gbt42195-2022"))
    changed["level"]["bands"][0]["min"] = 91  # a stricter (hypothetical) rule: 90 is no longer 能力完好
    changed["level"]["bands"][1]["max"] = 90
    monkeypatch.setattr(instruments, "get", lambda code: changed)
    assert services.assessment_rescore(instrument="gbt42195-2022", reason="test") == {
        "checked": 1,
        "changed": 1,
    }
    stored = Assessment.objects.unscoped(reason="test").get(pk=a.pk)
    assert stored.final_level == 1 and stored.result["final_level"]["level"] == 1
    assert Elder.objects.unscoped(reason="test").get(pk=elder.pk).ability_level == 1
