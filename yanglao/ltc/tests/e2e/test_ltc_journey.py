"""Long-term care on a desktop: the street lodges a claim from the person's page, the ltc-2021 assessment
gives 照护4级, the district makes a plan of five visits a week with a named caregiver, the caregiver's
visits go through the services module (accepted, checked in, checked out, confirmed with the family's code),
the provider prepares the month's statement and the district approves it with the fund's 90 %."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD
from yanglao.ltc.models import CarePlan, LtcApplication
from yanglao.ltc.tests.builders import assess, provider, scheme
from yanglao.people.tests import factories as people_factories
from yanglao.services import services as services_services
from yanglao.services.models import ServiceOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]
HOME = (31.2, 121.44)


def _visit(worker, order: ServiceOrder, start: dt.datetime, n: int) -> None:
    """One visit as the caregiver's phone reports it, timed ``start`` to an hour later."""
    services_services.order_accept(actor=worker.user, order_id=order.pk)
    for kind, at, extra in (
        ("check_in", start, {}),
        ("check_out", start + dt.timedelta(minutes=60), {"checklist": []}),
    ):
        services_services.visit_report(
            actor=worker.user,
            key=f"ltc-e2e-{order.pk}-{kind}",
            order_id=order.pk,
            kind=kind,
            phone_time=at,
            lat=HOME[0],
            lng=HOME[1],
            payload=extra or None,
        )
    code = ServiceOrder.objects.unscoped(reason="test").get(pk=order.pk).confirm_code
    services_services.visit_report(
        actor=worker.user,
        key=f"ltc-e2e-{order.pk}-confirm",
        order_id=order.pk,
        kind="confirm",
        phone_time=start + dt.timedelta(minutes=61),
        payload={"code": code},
    )


def test_claim_to_plan_to_visits_to_settlement(page, live_server, street_officer, district_officer):
    scheme()
    _org, worker, manager = provider()
    person = people_factories.elder(actor=street_officer, name="陈素珍", lat=HOME[0], lng=HOME[1])

    # The street lodges the claim from the person's page.
    login(page, live_server, street_officer.username, PASSWORD)
    page.goto(live_server.url + f"/elders/{person.pk}/")
    page.get_by_test_id("ltc-panel").get_by_role("link", name="受理长护险申请").click()
    page.get_by_label("申请方式").select_option(label="家属代为申请")
    page.get_by_label("申请人姓名").fill("陈小明")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("ltc-status")).to_have_text("评估中")
    shot(page, "ltc-claim-lodged")

    # The assessment (its own journey has the assessors' pages) gives ltc-2021 result 3: 照护4级.
    app = LtcApplication.objects.unscoped(reason="test").get(elder=person)
    assess(app, 3, requester=street_officer, reviewer=district_officer)

    # The district makes the plan: five weekdays, the named caregiver.
    switch_user(page)
    login(page, live_server, district_officer.username, PASSWORD)
    page.get_by_role("link", name="长护险", exact=True).first.click()
    page.get_by_test_id("ltc-table").get_by_role("link").first.click()
    expect(page.get_by_test_id("ltc-level")).to_contain_text("照护4级")
    expect(page.get_by_test_id("ltc-entitlement")).to_contain_text("每周上门 5 次")
    form = page.get_by_test_id("plan-form")
    form.get_by_label("护理员（所属定点服务机构）").select_option(str(worker.pk))
    form.get_by_label("上门时间").select_option("09:00")
    shot(page, "ltc-plan-form")
    form.get_by_role("button", name="确定照护计划").click()
    expect(page.get_by_test_id("plan-schedule")).to_contain_text(
        "每周 5 次（周一、周二、周三、周四、周五）09:00"
    )

    # The services plan places the visits, each sent to the caregiver; three are delivered today.
    plan = CarePlan.objects.unscoped(reason="test").get(application=app)
    services_services.plan_generate(days_ahead=14)
    orders = list(
        ServiceOrder.objects.unscoped(reason="test").filter(plan_id=plan.service_plan_id).order_by("pk")
    )
    assert len(orders) >= 9 and {o.caregiver_id for o in orders} == {worker.pk}
    now = timezone.now().replace(microsecond=0)
    for n, order in enumerate(orders[:3]):
        start = now - dt.timedelta(hours=4 - n)
        ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
            scheduled_start=start, scheduled_end=start + dt.timedelta(hours=1)
        )
        _visit(worker, order, start, n)
    month = timezone.localtime(now - dt.timedelta(hours=4)).date().replace(day=1)
    assert (
        ServiceOrder.objects.unscoped(reason="test")
        .filter(plan_id=plan.service_plan_id, status="confirmed")
        .count()
        == 3
    )
    page.reload()
    expect(page.get_by_test_id("plan-visits")).to_contain_text("已确认")
    shot(page, "ltc-plan-with-visits")

    # The provider prepares the month's statement; the district approves it.
    switch_user(page)
    login(page, live_server, manager.username, PASSWORD)
    page.get_by_role("link", name="长护险结算").first.click()
    page.get_by_label("结算月份").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="生成长护险结算单").click()
    expect(page.get_by_test_id("ltc-delivered")).to_have_text("3")
    expect(page.get_by_test_id("ltc-total")).to_have_text("195.00 元")
    expect(page.get_by_test_id("ltc-fund")).to_have_text("175.50 元")
    expect(page.get_by_test_id("ltc-personal")).to_have_text("19.50 元")
    statement = page.url

    switch_user(page)
    login(page, live_server, district_officer.username, PASSWORD)
    page.goto(statement)
    page.get_by_role("button", name="审核通过并锁定").click()
    expect(page.get_by_test_id("ltc-settlement-status")).to_have_text("已审核（已锁定）")
    expect(page.get_by_text("基金支付比例：居家照护 90%")).to_be_visible()
    shot(page, "ltc-settlement-approved")
