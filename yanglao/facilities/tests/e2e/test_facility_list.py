"""A district official works the facility list on a desktop: filters by kind and licence without a reload,
pages past the first 50 rows, and downloads exactly what the filter shows."""

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.facilities.models import Facility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def facilities(db):
    operator = core_factories.organisation(region_code="310104003001", name="天平照护服务社")
    today = dt.date.today()

    def make(name, kind, **extra):
        return Facility(
            name=name,
            kind=kind,
            operator=operator,
            operating_model="public",
            region_id="310104003001",
            lat=31.2075,
            lng=121.444,
            **extra,
        )

    rows = [make(f"天平日间照料中心{n:02d}", "day_care") for n in range(55)]
    rows.append(
        make(
            "天平长者照护之家",
            "elder_care_home",
            licence_no="沪徐民养1",
            licence_expiry=today - dt.timedelta(days=3),
        )
    )
    rows.append(
        make(
            "天平护理院", "institution", licence_no="沪徐民养2", licence_expiry=today + dt.timedelta(days=30)
        )
    )
    Facility.objects.bulk_create(rows)


def test_the_official_filters_pages_and_exports_the_facility_list(
    page, live_server, district_officer, facilities
):
    login(page, live_server, district_officer.username, core_factories.PASSWORD)
    page.get_by_role("link", name="养老设施").first.click()
    table = page.get_by_test_id("facility-table")
    expect(page.get_by_text("共 57 处")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(50)
    page.get_by_role("link", name="下一页").click()
    expect(table.locator("tbody tr")).to_have_count(7)  # the htmx swap: no row lost or repeated
    page.get_by_label("许可或备案").select_option(label="已过期")
    expect(page.get_by_text("共 1 处")).to_be_visible()
    expect(table).to_contain_text("天平长者照护之家")
    expect(table.get_by_test_id("licence-status")).to_have_text("已过期")
    shot(page, "facility-list-expired")
    page.get_by_label("许可或备案").select_option(label="全部许可状态")
    page.get_by_label("设施类型").select_option(label="养老机构")
    expect(page.get_by_text("共 1 处")).to_be_visible()
    expect(table).to_contain_text("即将到期")
    with page.expect_download() as download:
        page.get_by_test_id("export-bar").get_by_role("link", name="CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "名称" and [r[0] for r in rows[1:]] == ["天平护理院"]
    shot(page, "facility-list-filtered")
