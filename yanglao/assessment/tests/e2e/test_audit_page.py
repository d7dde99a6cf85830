"""A district official reads the audit page in Chromium (issue 9, 5.11): Chinese actions, an assessor's
autosaves as one line with the reveal in between in sight, and the filters narrowing the table."""

import pytest
from auditlog.context import set_actor
from playwright.sync_api import expect

from yanglao.assessment import services
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_reads_grouped_drafts_and_filters_by_action(
    page, live_server, district_officer, street_officer
):
    agency = core_factories.organisation(
        region_code="310104000000", name="评估中心丙", kind="assessment_agency"
    )
    one = core_factories.user(
        role=Role.ASSESSOR, organisation=agency, username="e2e_a1", regions=["310104000000"]
    )
    two = core_factories.user(
        role=Role.ASSESSOR, organisation=agency, username="e2e_a2", regions=["310104000000"]
    )
    elder = people_factories.elder(actor=street_officer, name="审计对象")
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    services.assessment_assign(
        actor=street_officer, assessment_id=a.pk, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    with set_actor(one):
        for n in (0, 1, 2, 3):
            services.assessment_save_draft(actor=one, assessment_id=a.pk, answers={"B.1.1": n})
    with set_actor(street_officer):
        people_services.elder_reveal(actor=street_officer, elder=elder, field_name="id_number")

    login(page, live_server, district_officer.username, core_factories.PASSWORD)
    page.get_by_role("link", name="审计日志").click()
    table = page.locator("#audit-rows")
    expect(table.get_by_role("cell", name="保存草稿 ×4")).to_be_visible()
    expect(table.get_by_role("cell", name="查看完整信息")).to_be_visible()
    page.get_by_label("动作").select_option(label="查看完整信息")
    expect(table.get_by_role("cell", name="保存草稿 ×4")).to_have_count(0)
    expect(table.get_by_role("cell", name="查看完整信息")).to_be_visible()
    expect(table).to_contain_text("字段：公民身份号码")
    shot(page, "audit-reveals")
