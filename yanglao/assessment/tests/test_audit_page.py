"""The audit page over the assessment form's autosaves (issue 9, 5.11): a run of draft saves by one assessor
on one assessment is one line ("保存草稿 ×N"), so a reveal between them stays in sight; the person filter
finds a person's own entries and their assessments', inside the viewer's scope only."""

import pytest
from auditlog.context import set_actor

from yanglao.assessment import services
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


def rows(client, query: str = "") -> str:
    return client.get(f"/audit/{query}", HTTP_HX_REQUEST="true").content.decode()


@pytest.fixture
def drafting(street_officer):
    agency = core_factories.organisation(
        region_code="310104000000", name="评估中心乙", kind="assessment_agency"
    )
    one = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="draft_a1")
    two = core_factories.user(role=Role.ASSESSOR, organisation=agency, username="draft_a2")
    elder = people_factories.elder(actor=street_officer, name="草稿对象")
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    return elder, a, one


def _drafts(actor, assessment, values):
    with set_actor(actor):
        for n in values:
            services.assessment_save_draft(actor=actor, assessment_id=assessment.pk, answers={"B.1.1": n})


def test_draft_saves_group_and_the_reveal_between_them_stays(
    client, district_officer, street_officer, drafting
):
    elder, assessment, one = drafting
    _drafts(one, assessment, [0, 1, 2, 3, 0])
    with set_actor(street_officer):
        people_services.elder_reveal(actor=street_officer, elder=elder, field_name="phone")
    _drafts(one, assessment, [1, 2, 3])
    client.force_login(district_officer)
    page = rows(client)
    assert page.count("保存草稿 ×") == 2
    assert "保存草稿 ×3" in page and "保存草稿 ×5" in page
    assert page.index("保存草稿 ×3") < page.index("查看完整信息") < page.index("保存草稿 ×5")
    assert "字段：联系电话" in page


def test_person_filter_finds_the_person_and_their_assessments(
    client, district_officer, street_officer, other_street_officer, drafting
):
    elder, assessment, one = drafting
    _drafts(one, assessment, [1])
    with set_actor(street_officer):
        other = people_factories.elder(actor=street_officer, name="另一位")
        people_services.elder_reveal(actor=street_officer, elder=other, field_name="phone")
    client.force_login(district_officer)
    for query in ("草稿对象", str(elder.pk)):
        page = rows(client, f"?person={query}")
        assert "保存草稿" in page, query
        assert "另一位" not in page, query
    assert "另一位" in rows(client, "?person=另一位")
    assert "没有审计记录" in rows(client, "?person=查无此人")
