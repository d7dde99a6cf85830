"""The LTC pages: a claim lodged from the person, the plan made on the page, the statement's approval, the
yearly report, the CLI."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from yanglao.ltc import services
from yanglao.ltc.models import CarePlan, LtcApplication
from yanglao.ltc.tests.builders import assess, deliver, home_plan, provider, scheme
from yanglao.people.tests import factories as people_factories
from yanglao.services import services as services_services
from yanglao.services.models import ServiceOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def qualified(street_officer, district_officer):
    scheme()
    org, worker, manager = provider()
    person = people_factories.elder(actor=street_officer, name="王建华", lat=31.2, lng=121.44)
    app = services.ltc_apply(
        actor=street_officer, elder_id=person.pk, applicant="family", applicant_name="王小红"
    )
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    return org, worker, manager, person, LtcApplication.objects.unscoped(reason="test").get(pk=app.pk)


def test_the_street_lodges_a_claim_from_the_person_page(client, street_officer):
    scheme()
    person = people_factories.elder(actor=street_officer, name="李桂英")
    client.force_login(street_officer)
    panel = client.get(reverse("ltc:elder_panel", args=[person.pk])).content.decode()
    assert "受理长护险申请" in panel and "未申请长护险" in panel
    done = client.post(
        reverse("ltc:application_new", args=[person.pk]),
        {"applicant": "family", "applicant_name": "李小明", "setting": "home", "provider_id": ""},
        follow=True,
    )
    text = done.content.decode()
    assert "已受理长护险申请" in text and "评估中" in text and "待评估" in text


def test_a_refused_claim_says_why(client, street_officer):
    scheme()
    person = people_factories.elder(actor=street_officer, name="李桂英")
    services.ltc_apply(actor=street_officer, elder_id=person.pk, applicant="self", applicant_name="本人")
    client.force_login(street_officer)
    again = client.post(
        reverse("ltc:application_new", args=[person.pk]),
        {"applicant": "self", "applicant_name": "本人", "setting": "home", "provider_id": ""},
    )
    assert again.status_code == 422 and "已有长护险申请在办" in again.content.decode()


def test_the_district_makes_a_level_four_plan_on_the_page(client, district_officer, qualified):
    _org, worker, _manager, _person, app = qualified
    client.force_login(district_officer)
    page = client.get(reverse("ltc:application_detail", args=[app.pk])).content.decode()
    assert "照护4级" in page and "每周上门 5 次" in page and "基金支付 90%" in page
    wrong = client.post(
        reverse("ltc:plan_new", args=[app.pk]),
        {"caregiver_id": worker.pk, "weekdays": [1, 2], "start_time": "09:00"},
    )
    assert wrong.status_code == 422 and "请选择 5 个服务日" in wrong.content.decode()
    done = client.post(
        reverse("ltc:plan_new", args=[app.pk]),
        {"caregiver_id": worker.pk, "weekdays": [1, 2, 3, 4, 5], "start_time": "09:00"},
        follow=True,
    )
    text = done.content.decode()
    assert "已制定照护计划" in text and "每周 5 次（周一、周二、周三、周四、周五）09:00" in text
    plan = CarePlan.objects.unscoped(reason="test").get(application=app)
    assert (plan.visits_per_week, plan.caregiver_id) == (5, worker.pk)


def test_the_statement_is_approved_by_the_district_and_downloads(client, district_officer, qualified):
    org, worker, manager, _person, app = qualified
    plan = home_plan(district_officer, app, org, worker)
    services_services.plan_generate(days_ahead=7)
    month = timezone.localdate().replace(day=1)
    for n, order in enumerate(
        ServiceOrder.objects.unscoped(reason="test").filter(plan_id=plan.service_plan_id)[:2]
    ):
        deliver(order, day=month + dt.timedelta(days=n))
    client.force_login(manager)
    made = client.post(reverse("ltc:settlement_prepare"), {"month": f"{month:%Y-%m}"}, follow=True)
    text = made.content.decode()
    assert "130.00 元" in text and "117.00 元" in text and "13.00 元" in text
    statement = made.redirect_chain[-1][0]
    assert "审核通过并锁定" not in text
    client.force_login(district_officer)
    client.post(statement.rstrip("/") + "/step/approve/")
    page = client.get(statement).content.decode()
    assert "已审核（已锁定）" in page
    book = client.get(statement + "statement.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(book.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert ["基金支付（元）", "117.00"] in [r[:2] for r in rows] and any(r[0] == "王*华" for r in rows)
    report = client.get(reverse("ltc:report") + f"?year={month.year}").content.decode()
    assert "117.00 元" in report and "1 人" in report


def test_another_streets_official_cannot_open_the_statement(
    client, other_street_officer, district_officer, qualified
):
    org, worker, manager, _person, app = qualified
    home_plan(district_officer, app, org, worker)
    s = services.settlement_prepare(actor=manager, month=timezone.localdate().replace(day=1))
    client.force_login(other_street_officer)
    assert client.get(reverse("ltc:settlement_detail", args=[s.pk])).status_code == 404


def test_the_cli_settles_every_provider(capsys, district_officer, qualified):
    org, worker, _manager, _person, app = qualified
    plan = home_plan(district_officer, app, org, worker)
    services_services.plan_generate(days_ahead=7)
    month = timezone.localdate().replace(day=1)
    deliver(
        ServiceOrder.objects.unscoped(reason="test").filter(plan_id=plan.service_plan_id).first(), day=month
    )
    call_command("ltc_settle", "--month", f"{month:%Y-%m}", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "provider": org.pk,
            "plans": 1,
            "delivered_visits": 1,
            "hours": "1.00",
            "days": 0,
            "total_yuan": "65.00",
            "fund_yuan": "58.50",
            "personal_yuan": "6.50",
            "status": "draft",
        }
    ]
    with pytest.raises(CommandError, match="结算月份应写作") as refused:
        call_command("ltc_settle", "--month", "2026-13")
    assert refused.value.returncode == 2
    assert Decimal(rows[0]["fund_yuan"]) / Decimal(rows[0]["total_yuan"]) == Decimal("0.9")


def test_the_family_sees_its_persons_plan_on_the_phone(client, street_officer, district_officer, qualified):
    from yanglao.core.choices import Role
    from yanglao.core.testing import factories
    from yanglao.people import services as people_services

    org, worker, _manager, person, app = qualified
    home_plan(district_officer, app, org, worker)
    stranger = people_factories.elder(actor=street_officer, name="赵无关")
    services.ltc_apply(actor=street_officer, elder_id=stranger.pk, applicant="self", applicant_name="本人")
    daughter = factories.user(role=Role.FAMILY, username="ltc_daughter")
    people_services.family_link(
        actor=street_officer, elder_id=person.pk, username="ltc_daughter", relation="daughter"
    )
    client.force_login(daughter)
    page = client.get(reverse("ltc:family")).content.decode()
    assert (
        "照护4级" in page
        and "每周 5 次（周一、周二、周三、周四、周五）09:00" in page
        and "赵无关" not in page
    )
    assert client.get(reverse("ltc:settlement_list")).status_code == 403


def test_the_providers_street_sees_only_its_own_people_on_the_statement(
    client, street_officer, district_officer, qualified
):
    org, worker, manager, person, app = qualified
    home_plan(district_officer, app, org, worker)
    neighbour = people_factories.elder(
        actor=district_officer, name="湖南路老人", region_code="310104004001", lat=31.2, lng=121.44
    )
    other = services.ltc_apply(
        actor=district_officer, elder_id=neighbour.pk, applicant="self", applicant_name="本人"
    )
    assess(other, 3, requester=district_officer, reviewer=district_officer)
    home_plan(district_officer, other, org, worker, weekdays=(1, 2, 3, 4, 6))
    s = services.settlement_prepare(actor=manager, month=timezone.localdate().replace(day=1))
    client.force_login(street_officer)  # 天平路, where the provider is registered
    page = client.get(reverse("ltc:settlement_detail", args=[s.pk])).content.decode()
    assert person.name in page and "湖南路老人" not in page
    client.force_login(district_officer)
    assert "湖南路老人" in client.get(reverse("ltc:settlement_detail", args=[s.pk])).content.decode()
