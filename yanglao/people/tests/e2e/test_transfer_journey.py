"""A move into another street in Chromium: Tianping starts a transfer by typing the community's name, Hunan
Road sees it waiting and accepts it, and the person leaves Tianping's list for Hunan Road's."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yanglao.core import idcard
from yanglao.core.models import Region
from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def streets(db, street_officer, other_street_officer):
    for user in (street_officer, other_street_officer):
        user.set_password(PASSWORD)
        user.save()
    return street_officer, other_street_officer


def test_transfer_is_started_by_one_street_and_accepted_by_the_other(page, live_server, streets):
    sender, receiver = streets
    person = factories.elder(
        actor=sender, name="迁居人", id_number=idcard.make("310104", dt.date(1940, 3, 3), 77)
    )
    target = Region.objects.get(code="310104004001")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, sender.username, PASSWORD)
    page.goto(f"{live_server.url}/elders/{person.pk}/")
    page.get_by_role("link", name="迁居 / 迁出转移").click()
    page.get_by_label("迁入社区").fill(target.name)
    page.get_by_label("日期").fill("2026-11-20")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text(f"已发起迁出转移，待{target.name}所在街道接收")).to_be_visible()
    page.get_by_role("link", name="迁出转移").first.click()
    expect(page.get_by_text("待接收", exact=True)).to_be_visible()
    shot(page, "transfer-sent")

    switch_user(page)
    login(page, live_server, receiver.username, PASSWORD)
    page.get_by_role("link", name="迁出转移").first.click()
    row = page.get_by_role("row", name="迁居人")
    expect(row).to_contain_text("*" * 14)  # masked: the receiver does not have the record yet
    shot(page, "transfer-incoming")
    row.get_by_role("button", name="接收").click()
    expect(page.get_by_text("已接收，老人已迁入本辖区")).to_be_visible()
    page.goto(f"{live_server.url}/elders/")
    expect(page.get_by_role("link", name="迁居人")).to_have_count(1)

    switch_user(page)
    login(page, live_server, sender.username, PASSWORD)
    page.goto(f"{live_server.url}/elders/")
    expect(page.get_by_role("link", name="迁居人")).to_have_count(0)
