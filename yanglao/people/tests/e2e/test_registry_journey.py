"""The street official's registry journey in Chromium (issue 3, "Done when"): import a messy workbook in
the browser and watch it finish, download the error report, find a person by pinyin initials, see masked
numbers, reveal one (audited) and export the list."""

import datetime as dt

import pytest
import xlsxwriter
from auditlog.models import LogEntry
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from yanglao.core import idcard
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def messy_workbook(path):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    headers = ["姓名", "公民身份号码", "联系电话", "居住地址", "社区代码", "居住情况", "经济状况"]
    sheet.write_row(0, 0, headers)
    good = [idcard.make("310104", dt.date(1938, 4, 1 + n), 21 + n) for n in range(3)]
    rows = [
        ["张三丰", good[0], "13812345678", "天平路 8 号", "310104003001", "独居", "一般"],
        ["李秀英", good[1].lower(), "021-64381234", "天平路 9 号", "310104003001", "纯老", "低保"],
        ["王国华", good[2], "", "", "310104003002", "与子女同住", "一般"],
        [
            "坏号码",
            good[0][:17] + ("1" if good[0][17] != "1" else "2"),
            "",
            "",
            "310104003001",
            "独居",
            "一般",
        ],
        ["", idcard.make("310104", dt.date(1939, 1, 1), 5), "", "", "310104003001", "独居", "一般"],
        ["外街道", idcard.make("310104", dt.date(1939, 1, 2), 7), "", "", "310104004001", "独居", "一般"],
    ]
    for r, values in enumerate(rows, start=1):
        sheet.write_row(r, 0, values)
    sheet.write_number(
        7, 1, float(idcard.make("310104", dt.date(1939, 1, 3), 9))
    )  # Excel turned it into a number
    sheet.write_row(7, 0, ["数字号"])
    sheet.write_row(7, 2, ["", "", "310104003001", "独居", "一般"])
    workbook.close()
    return path


@pytest.fixture
def officer(db, street_officer):
    street_officer.set_password(PASSWORD)
    street_officer.save()
    return street_officer


def test_import_search_reveal_export(page, live_server, officer, tmp_path, settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    login(page, live_server, "street", PASSWORD)
    page.get_by_role("link", name="批量导入").click()
    page.get_by_role("link", name="导入老年人信息").click()
    expect(page.get_by_test_id("import-columns")).to_contain_text("公民身份号码")
    shot(page, "import-upload")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(messy_workbook(tmp_path / "名单.xlsx")))
    page.get_by_role("button", name="开始导入").click()
    page.get_by_test_id("import-state").filter(has_text="已完成").wait_for()
    counts = page.get_by_test_id("import-counts").inner_text()
    assert "3" in counts and "4" in counts  # 3 created, 4 rejected
    assert page.get_by_text("校验位").count() >= 1 and page.get_by_text("科学计数法").count() >= 1
    shot(page, "people-import-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告").click()
    report = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert report[0][:3] == ["行号", "列", "原因"] and len(report) == 5

    page.get_by_role("link", name="老年人", exact=True).click()
    page.get_by_label("搜索").fill("zsf")
    expect(page.get_by_role("link", name="李秀英")).to_have_count(0)  # htmx swapped the rows
    expect(page.get_by_role("link", name="张三丰")).to_have_count(1)
    page.get_by_test_id("group-counts").wait_for()
    shot(page, "people-list-search")
    page.get_by_role("link", name="张三丰").click()
    expect(page.get_by_text("138****5678")).to_have_count(1)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    page.locator("#reveal-phone").locator("xpath=..").get_by_role("button", name="查看").click()
    page.get_by_test_id("revealed").filter(has_text="13812345678").wait_for()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    shot(page, "people-detail-revealed")

    page.goto(f"{live_server.url}/elders/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel（脱敏）").click()
    exported = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert [r[0] for r in exported[1:]] == ["张三丰", "李秀英", "王国华"]
    assert all(r[3].startswith("**************") for r in exported[1:])  # the ID column, masked


def test_phone_width_list_has_no_horizontal_scroll(page, live_server, officer):
    from yanglao.people.tests import factories

    factories.elder(actor=officer, name="手机看")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "street", PASSWORD)
    page.goto(f"{live_server.url}/elders/")
    page.get_by_role("link", name="手机看").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    shot(page, "people-list-phone")
