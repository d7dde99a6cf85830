"""The issue's journeys in Chromium: a member of the public finds the nearest day-care centre with a vacant
bed from a typed place; a district official sees coverage by street, the uncovered clusters and three
suggested sites with their gains; provider staff admit and discharge on the bed register."""

import numpy as np
import pytest
from playwright.sync_api import expect

from yanglao.core.models import Region
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.browser import login, shot
from yanglao.facilities import services
from yanglao.facilities.models import Facility
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
PASSWORD = core_factories.PASSWORD
CENTRE = (121.444, 31.2075)


def square(lng: float, lat: float, half: float = 0.004) -> dict:
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def network(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="天平照护服务社")
    provider = core_factories.user(role="provider", organisation=operator, username="bed_staff")
    sites = {}
    for name, kind, lng, lat in [
        ("近处日间照料中心", "day_care", CENTRE[0] + 0.002, CENTRE[1]),
        ("远处日间照料中心", "day_care", CENTRE[0] + 0.03, CENTRE[1] + 0.01),
        ("天平长者照护之家", "elder_care_home", CENTRE[0] - 0.002, CENTRE[1]),
    ]:
        sites[name] = services.facility_create(
            actor=street_officer,
            name=name,
            kind=kind,
            operator_id=operator.pk,
            operating_model="public_private",
            region_code="310104003001",
            lat=lat,
            lng=lng,
            address=f"天平路{len(sites) + 1}号",
            opening_hours="08:00–17:00",
        )
    near_bed = services.bed_create(actor=provider, facility_id=sites["近处日间照料中心"].pk, number="1")
    far_bed = services.bed_create(actor=provider, facility_id=sites["远处日间照料中心"].pk, number="1")
    occupant = people_factories.elder(actor=street_officer, name="日托甲")
    services.bed_admit(
        actor=provider, bed_id=near_bed.pk, id_number=occupant.id_number
    )  # the near one is full
    Region.objects.filter(code="310104003001").update(
        boundary=square(*CENTRE), boundary_source="测试", lat=CENTRE[1], lng=CENTRE[0]
    )
    return provider, sites, far_bed


def test_public_finds_nearest_day_care_with_a_vacant_bed(page, live_server, network):
    page.goto(f"{live_server.url}/map/")
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    page.get_by_label("设施类型").select_option("day_care")
    page.get_by_label("只看有空余床位").check()
    expect(page.get_by_test_id("facility-count")).to_have_text("共 1 处")
    name = Region.objects.get(code="310104003001").name
    page.get_by_label("地址").fill(name.removesuffix("居委会"))
    page.get_by_role("button", name="查找附近").click()
    nearest = page.get_by_test_id("nearest")
    expect(nearest).to_contain_text(name)
    expect(nearest.locator("button")).to_have_count(1)
    expect(nearest.locator("button").first).to_contain_text("远处日间照料中心")
    expect(nearest.locator("button").first).to_contain_text("空床 1")
    nearest.locator("button").first.click()
    expect(page.get_by_test_id("facility-card")).to_contain_text("普通床位：空余 1 张")
    page.get_by_label("地址").fill("不存在的地方")
    page.get_by_role("button", name="查找附近").click()
    expect(page.locator("#search-note")).to_contain_text("未找到该地点")
    assert "日托甲" not in page.content()
    shot(page, "public-map-vacant-day-care")


def test_district_official_sees_coverage_clusters_and_three_sites(
    page, live_server, district_officer, network
):
    rng = np.random.default_rng(5)
    groups = [("310104003002", 0.02, 0.0), ("310104003003", 0.0, -0.015), ("310104003004", -0.015, 0.008)]
    for g, (code, dx, dy) in enumerate(groups):
        for n in range(8 - g):
            people_factories.elder(
                actor=district_officer,
                name=f"远{g}{n}",
                region_code=code,
                lng=round(CENTRE[0] + dx + rng.normal(0, 0.0004), 6),
                lat=round(CENTRE[1] + dy + rng.normal(0, 0.0004), 6),
            )
    for n in range(6):
        people_factories.elder(
            actor=district_officer, name=f"近{n}", lng=CENTRE[0] + 0.001, lat=CENTRE[1] + 0.0005 * n
        )
    login(page, live_server, "district", PASSWORD)
    page.get_by_role("link", name="养老设施").first.click()
    expect(page.get_by_test_id("facility-table")).to_contain_text("天平长者照护之家")
    page.get_by_role("link", name="服务圈覆盖分析").click()
    page.get_by_label("区划").select_option("310104003000")
    page.get_by_label("设施类型").select_option("day_care")
    page.get_by_role("button", name="分析").click()
    expect(page.locator("#map[data-ready=true]")).to_have_count(1)
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("27 名老人中 6 名")
    by_region = page.get_by_test_id("coverage-by-region")
    expect(by_region.locator("tbody tr")).to_have_count(4)  # the four committees with elders
    sites = page.get_by_test_id("suggestion")
    expect(sites).to_have_count(3)
    expect(sites.nth(0)).to_contain_text("新增覆盖 8 名老人")
    expect(sites.nth(1)).to_contain_text("新增覆盖 7 名老人")
    expect(sites.nth(2)).to_contain_text("新增覆盖 6 名老人")
    expect(page.locator(".site-label")).to_have_count(3)
    shot(page, "staff-coverage-map")
    page.get_by_role("link", name="规划指标").click()
    expect(page.get_by_test_id("indicator-table")).to_contain_text("天平路街道")
    expect(page.get_by_test_id("gaps")).to_be_visible()
    shot(page, "staff-indicators")


def test_provider_admits_and_discharges_on_the_bed_register(page, live_server, street_officer, network):
    provider, sites, _ = network
    newcomer = people_factories.elder(actor=street_officer, name="新入住老人")
    home = sites["天平长者照护之家"]
    services.bed_create(actor=provider, facility_id=home.pk, room="101", number="1", bed_type="nursing")
    login(page, live_server, "bed_staff", PASSWORD)
    page.goto(f"{live_server.url}/facilities/{home.pk}/")
    register = page.get_by_test_id("bed-register")
    register.get_by_label("公民身份号码").fill("110101194001011231")  # wrong check character
    register.get_by_role("button", name="办理入住").click()
    expect(page.locator(".alert")).to_contain_text("校验")
    page.get_by_test_id("bed-register").get_by_label("公民身份号码").fill(newcomer.id_number)
    page.get_by_test_id("bed-register").get_by_role("button", name="办理入住").click()
    expect(page.locator(".alert")).to_contain_text("已办理入住")
    expect(page.get_by_test_id("bed-register")).to_contain_text("新入住老人")
    expect(page.get_by_test_id("bed-counts")).to_contain_text("护理型床位")
    shot(page, "bed-register-admitted")
    page.get_by_test_id("bed-register").get_by_role("link", name="办理离开").click()
    expect(page.get_by_role("heading", name="办理离开")).to_be_visible()
    expect(page.get_by_test_id("discharge-form")).to_contain_text("新入住老人")
    page.get_by_role("button", name="确认离开").click()  # no reason chosen yet
    expect(page.locator(".invalid-feedback")).to_contain_text("请选择离开原因")
    page.get_by_label("离开原因").select_option(label="其他")
    page.get_by_role("button", name="确认离开").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("请填写说明")
    page.get_by_label("说明（原因为“其他”时必填）").fill("随子女迁往外地")
    shot(page, "bed-discharge-reason")
    page.get_by_role("button", name="确认离开").click()
    expect(page.locator(".alert")).to_contain_text("已办理离开（其他）")
    expect(page.get_by_test_id("bed-register")).to_contain_text("空床")
    history = page.get_by_test_id("stay-history")
    expect(history.get_by_role("row").filter(has_text="新入住老人")).to_contain_text("其他：随子女迁往外地")
    shot(page, "stay-history")


def test_official_registers_and_imports_facilities(
    page, live_server, street_officer, network, tmp_path, settings
):
    settings.IMPORT_DIR = tmp_path / "imports"
    login(page, live_server, street_officer.username, PASSWORD)
    expect(page.get_by_test_id("facilities-panel")).to_contain_text("机构床位")
    page.get_by_role("link", name="养老设施").first.click()
    page.get_by_role("link", name="登记设施").click()
    page.get_by_label("名称").fill("天平社区长者食堂")
    page.get_by_label("类型").select_option("canteen")
    page.get_by_label("运营方式").select_option("public_private")
    page.get_by_label("所在区划").select_option("310104003001")
    page.get_by_label("经度").fill(str(CENTRE[0] + 0.05))  # far outside the committee's outline
    page.get_by_label("纬度").fill(str(CENTRE[1]))
    page.get_by_label("每餐供餐能力（人）").fill("120")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("坐标不在")
    page.get_by_label("经度").fill(str(CENTRE[0]))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="天平社区长者食堂")).to_be_visible()
    shot(page, "facility-registered")
    page.get_by_role("link", name="养老设施").first.click()
    page.get_by_role("link", name="批量导入").last.click()  # the list's button, not the side navigation
    expect(page.get_by_role("heading", name="导入养老设施")).to_be_visible()
    rows = "名称,类型,运营机构,运营方式,区划代码,经度,纬度\n"
    rows += f"天平助餐点,老年助餐服务场所,天平照护服务社,公办,310104003001,{CENTRE[0]},{CENTRE[1]}\n"
    rows += f"坏行,养猪场,天平照护服务社,公办,310104003001,{CENTRE[0]},{CENTRE[1]}\n"
    path = tmp_path / "设施.csv"
    path.write_text(rows, encoding="utf-8")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    expect(page.get_by_text("设施.csv")).to_be_visible()  # our picker names the chosen file
    page.get_by_label("仅校验，不写入").check()
    shot(page, "facility-import-upload")
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_test_id("import-state")).to_have_text("已完成")
    expect(page.get_by_test_id("import-dry-run")).to_be_visible()
    assert not Facility.objects.unscoped(reason="test").filter(name="天平助餐点").exists()
    page.get_by_role("link", name="修正后正式导入").click()
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_test_id("import-state")).to_have_text("已完成")
    counts = page.get_by_test_id("import-counts")
    expect(counts).to_contain_text("新增")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors).to_contain_text("不是设施类型")
    assert Facility.objects.unscoped(reason="test").filter(name="天平助餐点").exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "facility-import")
