"""Journey 4 at a phone's width (390 × 844): a caregiver opens 今日工单, checks in at the door (the phone's
position), loses the signal, ticks the service items and checks out (the reports wait on the phone, "待上传"),
gets the signal back and sees both accepted; then enters the family's confirmation code."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories
from yanglao.services.choices import OrderStatus
from yanglao.services.models import Caregiver, CheckInRule, ServiceOrder, VisitAction
from yanglao.services.tests.builders import offering, place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
HOME = {"latitude": 31.2075, "longitude": 121.4440}


@pytest.fixture
def job(street_officer):
    sold = offering(code="SH-ZY", contract=None)
    provider = sold.provider
    user = factories.user(role="caregiver", organisation=provider, username="liufang")
    caregiver = Caregiver.objects.create(
        user=user, provider=provider, region_id=provider.region_id, name="刘芳", skills=["care_worker"]
    )
    person = people_factories.elder(
        actor=street_officer,
        name="王阿婆",
        lat=HOME["latitude"],
        lng=HOME["longitude"],
        address="天平路 8 弄 3 号",
    )
    order = place(street_officer, person, sold, "phone-journey-1")
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
        caregiver=caregiver,
        status=OrderStatus.ACCEPTED,
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(minutes=10),
    )
    # The district's rule only records a short visit (the test's visit lasts seconds).
    CheckInRule.objects.filter(item__code="SH-ZY", region=None).update(
        on_early="continue", on_short="continue"
    )
    return user, order.pk


def state(order_id):
    return ServiceOrder.objects.unscoped(reason="test").get(pk=order_id)


def test_a_caregivers_visit_through_a_lost_signal(page, live_server, job):
    user, order_id = job
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(HOME)
    login(page, live_server, user.username, PASSWORD)

    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="今日工单").click()
    route = page.get_by_test_id("care-route")
    expect(route).to_contain_text("助浴")
    expect(route).to_contain_text("王阿婆")
    expect(route).to_contain_text("天平路 8 弄 3 号")
    expect(page.get_by_test_id("care-summary")).to_contain_text("共 1 单")
    shot(page, "care-today-390")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")

    route.get_by_role("link").first.click()
    page.get_by_role("button", name="签到", exact=True).click()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("签到：已受理")
    expect(page.get_by_test_id("order-state")).to_have_text("服务中")
    assert state(order_id).status == OrderStatus.CHECKED_IN
    assert state(order_id).checkin_distance_m == 0

    page.context.set_offline(True)
    page.get_by_label("协助洗浴").check()
    page.get_by_label("擦干并更换衣物").check()
    page.get_by_label("服务记录").fill("老人精神好")
    page.get_by_role("button", name="提交服务内容").click()
    page.get_by_role("button", name="签退").click()
    expect(page.get_by_test_id("pending")).to_have_text("待上传 2 条")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(results).to_contain_text("服务内容：待上传")
    shot(page, "care-offline-390")
    assert state(order_id).status == OrderStatus.CHECKED_IN  # nothing reached the server

    page.context.set_offline(False)
    expect(page.get_by_test_id("pending")).to_be_hidden()
    expect(results).to_contain_text("服务内容：已受理")
    expect(results).to_contain_text("签退：已受理")
    expect(page.get_by_test_id("order-state")).to_have_text("已签退")
    order = state(order_id)
    assert order.status == OrderStatus.CHECKED_OUT
    assert order.checklist == ["协助洗浴", "擦干并更换衣物"] and order.visit_note == "老人精神好"
    kinds = list(
        VisitAction.objects.unscoped(reason="test")
        .filter(order_id=order_id)
        .order_by("pk")
        .values_list("kind")
    )
    assert kinds == [("check_in",), ("checklist",), ("check_out",)]  # sent in the order they were made

    code = order.confirm_code
    page.get_by_label("家属确认码（家属手机上显示的 6 位数字）").fill(
        "000000" if code != "000000" else "111111"
    )
    page.get_by_role("button", name="确认", exact=True).click()
    expect(results).to_contain_text("家属确认码不正确，还可尝试 4 次")
    page.get_by_label("家属确认码（家属手机上显示的 6 位数字）").fill(code)
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.get_by_test_id("order-state")).to_have_text("已确认")
    expect(results).to_contain_text("服务确认：已受理")
    shot(page, "care-done-390")
    assert state(order_id).confirmed_via == "code"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
