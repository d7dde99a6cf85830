"""The month's benefits on a desktop: one official prepares the batch, a second approves it and downloads the
bank's payment file; a death that arrives late from the public-security list shows in the next batch as a
recovery on the ledger."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.benefits import services
from yanglao.benefits.tests.builders import XUHUI, person, policies
from yanglao.core import months
from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD
from yanglao.people import services as people_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_prepare_approve_download_and_a_late_death_is_recovered(
    page, live_server, district_officer, tmp_path
):
    checker = factories.user(role=Role.GOV_ADMIN, regions=[XUHUI], username="checker")
    policies()
    first = timezone.localdate().replace(day=1)
    before, last = months.months_back(first, 2), months.months_back(first, 1)
    ninety = person(age=92, on=before, name="王秀英")
    person(age=85, on=before, name="李建国")
    person(age=70, on=before, name="赵大山", economic_status="dibao")
    earlier = services.batch_prepare(actor=district_officer, month=before, region_code=XUHUI)
    services.batch_approve(actor=checker, batch_id=earlier.pk)

    # The official prepares last month's batch.
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="补贴发放").first.click()
    page.get_by_label("发放月份").fill(f"{last:%Y-%m}")
    page.get_by_role("button", name="编制发放批次").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("已编制，待审批")
    expect(page.get_by_test_id("batch-payments")).to_have_text("3")
    expect(page.get_by_test_id("batch-total")).to_have_text("900.00 元")
    expect(page.get_by_test_id("by-policy")).to_contain_text("高龄津贴")
    expect(page.get_by_role("button", name="审批通过并锁定")).to_have_count(0)
    shot(page, "benefits-batch-prepared")
    detail = page.url

    # A second official approves it and downloads the bank's file.
    switch_user(page)
    login(page, live_server, checker.username, PASSWORD)
    page.goto(detail)
    page.get_by_role("button", name="审批通过并锁定").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("已审批（已锁定）")
    with page.expect_download() as download:
        page.get_by_test_id("bank-file").click()
    saved = tmp_path / "bank.txt"
    download.value.save_as(saved)
    lines = saved.read_bytes().split(b"\r\n")
    assert lines[0] == b"00000003" + b"0000000000090000"
    assert "王秀英".encode("gb18030") in saved.read_bytes()
    shot(page, "benefits-batch-approved")

    # The public-security death list arrives: 王秀英 died in the month before last.
    deaths = tmp_path / "deaths.csv"
    died = before.replace(day=15)
    deaths.write_text(
        f"公民身份号码,姓名,死亡日期\n{ninety.id_number},王秀英,{died:%Y-%m-%d}\n", encoding="utf-8"
    )
    result = people_services.death_list_import(actor=district_officer, path=deaths)
    assert result.updated == 1

    # The next batch finds the payment made after the death and puts it on the recovery ledger.
    switch_user(page)
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="补贴发放").first.click()
    page.get_by_label("发放月份").fill(f"{first:%Y-%m}")
    page.get_by_role("button", name="编制发放批次").click()
    expect(page.get_by_test_id("batch-recoveries")).to_have_text("1 笔，500.00 元")
    expect(page.get_by_test_id("recovery-table")).to_contain_text("王秀英")
    expect(page.locator("#stops")).to_contain_text("死亡")
    shot(page, "benefits-next-batch-recovery")
    page.get_by_role("link", name="追回台账").first.click()
    ledger = page.get_by_test_id("recovery-ledger")
    expect(ledger).to_contain_text("王秀英")
    expect(ledger).to_contain_text(f"{last:%Y年%m月}")
    shot(page, "benefits-recovery-ledger")
