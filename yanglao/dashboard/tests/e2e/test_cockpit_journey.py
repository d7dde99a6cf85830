"""Journey 7, the district director's quarterly review, on a desktop: the cockpit shows the nursing-bed
share against the 60 % target with the date it will be met; the director drills from the district into the
lagging street and one of its communities, opens the records behind a figure, downloads the workbook and
the printable report; the command centre's wall screen fills 1920×1080."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from yanglao.core.indicators import Period
from yanglao.core.models import Region
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.dashboard import services
from yanglao.dashboard.tests import builders
from yanglao.facilities.models import Bed, Facility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

XUHUI, HUNAN, HUNAN_1 = "310104000000", "310104004000", "310104004001"


@pytest.fixture
def district(district_officer, street_officer):
    """天平路 at 60 % nursing beds (3 of 5), 湖南路 at 20 % (1 of 5): the district at 40 % against 60 % by
    2027, climbing 5 points a month over the last six months, so it is on track for mid-2027."""
    builders.district(street_officer)
    operator = core_factories.organisation(region_code=HUNAN_1, name="湖南路敬老院")
    home = Facility.objects.create(
        name="湖南路敬老院",
        kind="institution",
        operator=operator,
        operating_model="public",
        region_id=HUNAN_1,
        lat=31.21,
        lng=121.44,
        floor_area=600,
    )
    for n, bed_type in enumerate(["nursing", "ordinary", "ordinary", "ordinary", "ordinary"]):
        Bed.objects.create(
            facility=home, number=str(n), bed_type=bed_type, region_id=HUNAN_1, operator=operator
        )
    builders.nursing_target(district_officer)
    for n, code in enumerate(("310104003000", HUNAN)):  # outlines for the map: two squares side by side
        west = 121.43 + n * 0.01
        square = [[west, 31.20], [west + 0.01, 31.20], [west + 0.01, 31.21], [west, 31.21], [west, 31.20]]
        Region.objects.filter(code=code).update(boundary={"type": "Polygon", "coordinates": [square]})
    now = Period.of(timezone.localdate())
    services.refresh(period=now)
    for back, nursing in ((6, 1.0), (5, 1.5), (4, 2.0), (3, 2.5), (2, 3.0), (1, 3.5)):  # 10 % → 35 %
        services.backfill(
            period=now.shift(-back),
            values={(XUHUI, "beds", "nursing"): nursing, (XUHUI, "beds", "ordinary"): 10 - nursing},
        )
    return district_officer


def test_the_director_reviews_the_targets_and_exports_the_report(page, live_server, district):
    login(page, live_server, district.username, core_factories.PASSWORD)
    page.get_by_role("link", name="驾驶舱").first.click()
    row = page.get_by_test_id("target-nursing_bed_share")
    expect(row.get_by_test_id("value")).to_contain_text("40.0")
    expect(row).to_contain_text("≥ 60.0")
    expect(row.get_by_test_id("status")).to_have_text("按进度")
    met = Period.of(timezone.localdate()).shift(4)  # 40 % now, +5 points a month: 60 % in four months
    expect(row.get_by_test_id("projection")).to_contain_text(f"{met.year}年{met.month}月")
    expect(row.locator("[data-chart=spark]")).to_have_attribute("data-ready", "true")
    shot(page, "cockpit-overview")

    # Drill: the indicator, its lagging street first, then a community of that street.
    row.get_by_role("link", name="护理型床位占比").click()
    expect(page.get_by_test_id("headline")).to_contain_text("40.0")
    children = page.get_by_test_id("children-table")
    expect(children.locator("tbody tr").first).to_contain_text("湖南路街道")
    expect(children.get_by_test_id(f"child-{HUNAN}")).to_contain_text("滞后")
    expect(page.locator("[data-chart=history]")).to_have_attribute("data-ready", "true")
    expect(page.locator("#lagging-map")).to_have_attribute("data-ready", "true")
    shot(page, "cockpit-indicator-district")
    children.get_by_test_id(f"child-{HUNAN}").get_by_test_id("drill").click()
    expect(page.get_by_test_id("trail")).to_contain_text("湖南路街道")
    expect(page.get_by_test_id("headline")).to_contain_text("20.0")
    page.get_by_test_id(f"child-{HUNAN_1}").get_by_test_id("drill").click()
    expect(page.get_by_test_id("headline")).to_contain_text("20.0")
    shot(page, "cockpit-indicator-community")

    # The records behind the figure: the community's institutions, whose beds make the 1 of 5.
    page.get_by_test_id("numerator-records").click()
    expect(page.get_by_test_id("facility-table")).to_contain_text("湖南路敬老院")
    expect(page.get_by_test_id("facility-table").locator("tbody tr")).to_have_count(1)
    shot(page, "cockpit-records")

    # The workbook and the printable report.
    page.get_by_role("link", name="驾驶舱").first.click()
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    book = CalamineWorkbook.from_filelike(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = {r[0]: r for r in book.get_sheet_by_name("指标总表").to_python()[4:]}
    assert rows["nursing_bed_share"][3] == 40.0 and rows["nursing_bed_share"][9] == "按进度"
    with page.context.expect_page() as opened:
        page.get_by_test_id("print-report").click()
    report = opened.value
    expect(report.get_by_role("heading", name="徐汇区养老服务规划指标月度报告")).to_be_visible()
    expect(report.locator("[data-chart=history]").first).to_have_attribute("data-ready", "true")
    report.emulate_media(media="print")
    report.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shot(report, "cockpit-report-print")


def test_the_wall_screen_fills_1920_by_1080(browser, live_server, district):
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    login(page, live_server, district.username, core_factories.PASSWORD)
    page.goto(f"{live_server.url}/dashboard/wall/")
    expect(page.get_by_test_id("wall-grid")).to_contain_text("护理型床位占比")
    expect(page.locator("[data-chart=spark]").first).to_have_attribute("data-ready", "true")
    size = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size == [1920, 1080]  # nothing scrolls on a command-centre screen
    last = page.locator(".wall-tile").last.bounding_box()
    assert last["y"] + last["height"] <= 1080
    text = page.locator("body").inner_text()
    assert "高龄独居" not in text  # no personal data
    shot(page, "cockpit-wall")
    context.close()


def test_the_director_revises_and_withdraws_a_target_keeping_its_versions(page, live_server, district):
    login(page, live_server, district.username, core_factories.PASSWORD)
    page.get_by_role("link", name="规划目标").first.click()
    targets = page.get_by_test_id("targets")
    expect(targets).to_contain_text("护理型床位占比")
    targets.get_by_role("link", name="修改记录").first.click()
    page.get_by_role("link", name="修改目标").click()
    page.get_by_label("目标值").fill("65")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()  # no reason given: refused
    page.get_by_label("修改原因").fill("区政府调整年度目标")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("target-value")).to_contain_text("65.0")
    versions = page.get_by_test_id("versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions).to_contain_text("区政府调整年度目标")
    shot(page, "cockpit-target-versions")
    page.get_by_label("撤销原因").fill("规划废止")
    page.get_by_role("button", name="撤销目标").click()
    expect(page.get_by_test_id("target-value")).to_contain_text("已撤销")
    page.get_by_role("link", name="驾驶舱").first.click()
    expect(page.get_by_test_id("target-table")).to_contain_text("本区划尚未设定规划目标")
