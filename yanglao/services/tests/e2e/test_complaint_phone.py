"""Journey 3's complaint, the daughter on a phone (390×844): she complains about a finished visit, the
provider's manager replies and settles it on a desktop, she reads the reply and rates the result (a poor
rating's re-opening is in test_complaints.py)."""

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.models import FamilyLink
from yanglao.services.models import Complaint
from yanglao.services.tests.quality_builders import finished

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}


def test_the_daughter_complains_reads_the_reply_and_rates_it(page, live_server, crew):
    manager, workers, order = crew
    finished(order, workers[1])
    daughter = factories.user(role="family", username="complaining_daughter")
    FamilyLink.objects.create(user=daughter, elder=order.elder, relation="女儿")

    page.set_viewport_size(PHONE)
    login(page, live_server, daughter.username, PASSWORD)
    page.goto(f"{live_server.url}/family/orders/{order.pk}/")
    page.get_by_role("link", name="投诉").click()
    page.get_by_role("button", name="提交投诉").click()  # empty: said on the page, nothing filed
    expect(page.get_by_test_id("complaint-form")).to_contain_text("投诉内容")
    assert not Complaint.objects.unscoped(reason="test").exists()
    page.get_by_label("投诉内容（500 字以内）").fill("护理员提前离开，洗浴没有做完")
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_test_id("complaint-reply")).to_be_visible()
    complaint = Complaint.objects.unscoped(reason="test").get()
    detail = page.url
    shot(page, "complaint-filed-390")

    switch_user(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, manager.username, PASSWORD)
    page.goto(detail)
    page.get_by_label("答复内容").fill("已核实，护理员已道歉，明天上午补做")
    page.get_by_role("button", name="答复").click()
    page.get_by_label("办结说明").fill("已补做洗浴，家属确认")
    page.get_by_role("button", name="办结").click()
    complaint.refresh_from_db()
    assert complaint.status == "resolved"

    switch_user(page)
    page.set_viewport_size(PHONE)
    login(page, live_server, daughter.username, PASSWORD)
    page.goto(detail)
    expect(page.get_by_test_id("complaint-reply")).to_contain_text("明天上午补做")
    page.get_by_test_id("rate-form").locator("label").first.click()
    page.get_by_role("button", name="提交评价").click()
    complaint.refresh_from_db()
    assert complaint.resolution_rating is not None
    shot(page, "complaint-rated-390")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
