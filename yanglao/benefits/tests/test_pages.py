"""The benefits pages: preparing and approving a batch, its files, claims, the person page and the family's."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from python_calamine import CalamineWorkbook

from yanglao.benefits import services
from yanglao.benefits.models import BenefitPolicy, PaymentBatch
from yanglao.benefits.tests.builders import XUHUI, person, policies
from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.people import services as people_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker(db):
    return factories.user(role=Role.GOV_ADMIN, regions=[XUHUI], username="checker")


@pytest.fixture
def batch(district_officer):
    policies()
    person(age=92, name="=HYPERLINK(1)")
    person(age=81)
    return services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)


def test_an_official_prepares_a_batch_on_the_page(client, district_officer):
    policies()
    person(age=85)
    client.force_login(district_officer)
    page = client.get(reverse("benefits:batch_list"))
    assert page.status_code == 200 and "编制发放批次" in page.content.decode()
    done = client.post(reverse("benefits:batch_prepare"), {"month": "2026-10", "region": XUHUI}, follow=True)
    text = done.content.decode()
    assert "100.00 元" in text and "已编制" in text and "高龄津贴" in text


def test_a_bad_month_is_refused_in_chinese(client, district_officer):
    policies()
    client.force_login(district_officer)
    page = client.post(reverse("benefits:batch_prepare"), {"month": "2026-13", "region": XUHUI})
    assert page.status_code == 422 and "发放月份应写作“年-月”" in page.content.decode()


def test_the_maker_sees_no_approve_button_and_a_forged_post_is_refused(client, district_officer, batch):
    client.force_login(district_officer)
    page = client.get(reverse("benefits:batch_detail", args=[batch.pk]))
    assert "审批通过并锁定" not in page.content.decode() and "须由另一位工作人员审批" in page.content.decode()
    forged = client.post(reverse("benefits:batch_step", args=[batch.pk, "approve"]))
    assert forged.status_code == 422 and "经办与复核分离" in forged.content.decode()
    batch.refresh_from_db()
    assert batch.status == "prepared"


def test_the_checker_approves_and_the_bank_files_download(client, checker, batch):
    client.force_login(checker)
    refused = client.get(reverse("benefits:batch_bank_file", args=[batch.pk]))
    assert refused.status_code == 422 and "审批通过后才能导出" in refused.content.decode()
    client.post(reverse("benefits:batch_step", args=[batch.pk, "approve"]))
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == checker
    bank = client.get(reverse("benefits:batch_bank_file", args=[batch.pk]))
    lines = bank.content.split(b"\r\n")
    assert bank.status_code == 200 and lines[0] == b"00000002" + b"0000000000060000"
    book = client.get(reverse("benefits:batch_workbook", args=[batch.pk]))
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(book.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][:4] == ["序号", "户名", "开户银行", "银行账号"] and len(rows) == 3
    assert "'=HYPERLINK(1)" in [r[1] for r in rows] or "=HYPERLINK(1)" in [r[1] for r in rows]
    entries = LogEntry.objects.filter(additional_data__event="benefits.bank_file")
    assert entries.count() == 2
    assert all("6222" not in str(e.additional_data) for e in entries)


def test_a_street_official_cannot_open_the_district_batch(client, street_officer, batch):
    client.force_login(street_officer)
    assert client.get(reverse("benefits:batch_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("benefits:batch_bank_file", args=[batch.pk])).status_code in (403, 404)


def test_the_person_panel_says_why(client, street_officer, district_officer):
    policies()
    old = person(age=91)
    client.force_login(street_officer)
    panel = client.get(reverse("benefits:elder_panel", args=[old.pk])).content.decode()
    assert "每月 500.00 元" in panel and "月末年满 80 周岁" in panel and "标准档：90至99周岁" in panel
    assert "须本人申请" not in panel


def test_a_claim_goes_through_street_and_district_on_the_pages(client, street_officer, district_officer):
    policies()
    someone = person(age=75)
    people_services.elder_set_ability(
        elder_id=someone.pk,
        level=2,
        name="中度失能",
        instrument="gbt42195-2022",
        valid_until=dt.date(2027, 12, 31),
    )
    client.force_login(street_officer)
    made = client.post(
        reverse("benefits:application_new", args=[someone.pk]),
        {
            "policy_code": "disability_care_subsidy",
            "applicant": "family",
            "applicant_name": "张小明",
            "documents": ["身份证"],
        },
    )
    assert made.status_code == 302
    url = made["Location"]
    client.post(url, {"action": "street_pass", "note": "材料齐全"})
    refused = client.post(url, {"action": "district_pass", "note": ""})
    assert refused.status_code == 403
    client.force_login(district_officer)
    rejected_without_reason = client.post(url, {"action": "district_reject", "note": ""})
    assert rejected_without_reason.status_code == 422 and "意见" in rejected_without_reason.content.decode()
    client.post(url, {"action": "district_pass", "note": "同意"})
    page = client.get(url).content.decode()
    assert "区县审核通过" in page


def test_a_district_revises_a_policy_as_a_new_version(client, district_officer):
    policies()
    old = BenefitPolicy.objects.unscoped(reason="test").get(code="oldest_old_allowance")
    client.force_login(district_officer)
    data = {
        "effective_from": "2027-01",
        "min_age": 80,
        "local_hukou": "on",
        "band_0": "900",
        "band_1": "500",
        "band_2": "150",
    }
    assert client.post(reverse("benefits:policy_revise", args=[old.pk]), data).status_code == 302
    new = BenefitPolicy.objects.unscoped(reason="test").get(code="oldest_old_allowance", version=2)
    assert [b["amount"] for b in new.bands] == ["900.00", "500.00", "150.00"]
    old.refresh_from_db()
    assert old.effective_to == dt.date(2026, 12, 31)


def test_the_family_sees_its_own_person_only(client, street_officer):
    policies()
    father = person(age=86)
    other = person(age=95, name="李四")
    family = factories.user(role=Role.FAMILY, username="daughter")
    people_services.family_link(
        actor=street_officer, elder_id=father.pk, username="daughter", relation="daughter"
    )
    client.force_login(family)
    page = client.get(reverse("benefits:family_benefits")).content.decode()
    assert "高龄津贴" in page and "每月 100.00 元" in page and "李四" not in page
    assert client.get(reverse("benefits:elder_benefits", args=[other.pk])).status_code == 404
    assert client.get(reverse("benefits:batch_list")).status_code == 403


def test_a_cancelled_batch_frees_the_month(client, district_officer, batch):
    client.force_login(district_officer)
    client.post(reverse("benefits:batch_step", args=[batch.pk, "cancel"]), {"reason": "数据有误"})
    batch.refresh_from_db()
    assert batch.status == "cancelled"
    again = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert again.pk != batch.pk and PaymentBatch.objects.unscoped(reason="test").count() == 2


def test_a_district_revising_its_citys_policy_gets_its_own_version(client, district_officer):
    policies(region="310100000000")
    city = BenefitPolicy.objects.unscoped(reason="test").get(code="oldest_old_allowance")
    client.force_login(district_officer)
    data = {
        "effective_from": "2026-11",
        "min_age": 80,
        "local_hukou": "on",
        "band_0": "900",
        "band_1": "600",
        "band_2": "200",
    }
    assert client.post(reverse("benefits:policy_revise", args=[city.pk]), data).status_code == 302
    own = BenefitPolicy.objects.unscoped(reason="test").get(code="oldest_old_allowance", region_id=XUHUI)
    assert own.version == 1
    city.refresh_from_db()
    assert city.effective_to is None  # the city's version is untouched
    old = person(age=85)
    batch = services.batch_prepare(actor=district_officer, month="2026-11", region_code=XUHUI)
    assert batch.total_yuan == 200 and old.pk


def test_each_figure_of_the_batch_opens_the_lines_that_make_it(client, district_officer, batch):
    client.force_login(district_officer)
    page = client.get(reverse("benefits:batch_detail", args=[batch.pk])).content.decode()
    link = f"/benefits/payments/?batch={batch.pk}&amp;policy=oldest_old_allowance&amp;status=pay"
    assert link in page
    lines = client.get(link.replace("&amp;", "&")).content.decode()
    assert "符合条件的明细：2 笔，2 人，合计 600.00 元" in lines
