"""Journey 5's telephone side, on a desktop: the operator has an alarm-centre page open; the telephony system
reports a call from the daughter's phone over the real HTTP API; the screen-pop appears without a reload
("来电：王秀英（女儿 李娟）"), she opens the caller's screen and creates a 来电求助 alarm. Then the duty
supervisor reads the SLA report of the month with each figure's count."""

import datetime as dt
import json
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.alarms.choices import AlarmKind, AlarmStatus
from yanglao.alarms.models import Alarm, CallRecord
from yanglao.core import services as core_services
from yanglao.core.testing import factories
from yanglao.core.testing.browser import login, shot, switch_user
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

LIVE = 20_000  # the test server answers the event stream per request; the browser reconnects every 3 s


def telephony_post(live_server, secret: str, path: str, body: dict) -> dict:
    """What the telephony system sends: JSON over HTTP with its API token."""
    request = urllib.request.Request(  # noqa: S310 - the live test server, http only
        f"{live_server.url}/api/v1/calls{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the live test server
        return json.loads(answer.read())


def test_an_incoming_call_pops_up_and_the_operator_opens_the_caller(page, live_server, operator, person):
    telephony = factories.user(role="operator", regions=["310104000000"], username="telephony")
    _token, secret = core_services.api_token_create(actor=telephony, name="话务系统")

    login(page, live_server, operator.username, PASSWORD)
    page.get_by_role("link", name="通话记录").first.click()
    expect(page.get_by_test_id("call-table")).to_contain_text("暂无符合条件的通话记录")
    expect(page.get_by_test_id("call-pop")).to_be_hidden()

    answer = telephony_post(
        live_server,
        secret,
        "/incoming",
        {"call_id": "PBX-20260302-0001", "caller": "13912345678", "operator": operator.username},
    )
    assert answer["elder_id"] == person.pk

    pop = page.get_by_test_id("call-pop")
    expect(pop).to_be_visible(timeout=LIVE)
    expect(pop).to_contain_text("来电：王秀英（女儿 李娟）")
    expect(pop).to_contain_text("139****5678")
    expect(pop).to_contain_text("岁 · ")
    expect(pop.get_by_role("button", name="创建来电求助报警")).to_be_visible()
    shot(page, "alarms-call-pop")

    telephony_post(live_server, secret, "/PBX-20260302-0001/answered", {})
    expect(pop).to_contain_text("通话中", timeout=LIVE)

    pop.get_by_role("link", name="打开来电老人页面").click()
    expect(page.get_by_test_id("call-headline")).to_have_text("来电：王秀英（女儿 李娟）")
    person_card = page.get_by_test_id("caller-person")
    expect(person_card).to_contain_text("女儿 李娟 来电")
    expect(person_card).to_contain_text("持有钥匙")
    expect(person_card).to_contain_text("独居")
    shot(page, "alarms-caller-screen")

    person_card.get_by_role("button", name="创建来电求助报警").click()
    expect(page.locator(".alert-success")).to_contain_text("已创建来电求助报警")
    alarm = Alarm.objects.unscoped(reason="test").get()
    assert alarm.kind == AlarmKind.CALL and alarm.elder_id == person.pk
    assert CallRecord.objects.unscoped(reason="test").get().alarm_id == alarm.pk


def test_the_sla_report_shows_each_figure_with_its_count(page, live_server, operator, supervisor, person):
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time(8, 0)))
    for n, seconds in enumerate([12, 35, 58, 60, 75, 150, 240, 20, 44, 9]):
        raised = start + dt.timedelta(hours=n % 5, minutes=n)
        Alarm.objects.create(
            elder=person,
            region_id=person.region_id,
            kind=AlarmKind.FALL if n % 3 else AlarmKind.SOS,
            severity=1,
            raised_at=raised,
            claimed_at=raised + dt.timedelta(seconds=seconds),
            claimed_by=operator,
            closed_at=raised + dt.timedelta(seconds=seconds + 300 + 60 * n),
            status=AlarmStatus.CLOSED,
            outcome="resolved_home",
        )
    login(page, live_server, supervisor.username, PASSWORD)
    page.get_by_role("link", name="接警服务水平").first.click()
    expect(page.get_by_test_id("sla-total")).to_have_text("10")
    expect(page.get_by_test_id("sla-60")).to_have_text("70.0%")  # 12 35 58 60 20 44 9 within 60 s
    expect(page.get_by_test_id("sla-180")).to_have_text("90.0%")  # all but 240 s
    expect(page.get_by_test_id("sla-targets")).to_contain_text("英国远程照护服务协会（TSA）行业规范")
    expect(page.get_by_test_id("sla-targets")).to_contain_text("系统默认值")
    expect(page.get_by_test_id("sla-by-operator")).to_contain_text("测试热线坐席")
    shot(page, "alarms-sla-report")
    page.get_by_test_id("sla-summary").get_by_role("link", name="7").click()
    expect(page.get_by_test_id("sla-alarm-table").locator("tr[data-alarm]")).to_have_count(7)
    shot(page, "alarms-sla-drill-down")
    switch_user(page)


def test_a_street_administrator_registers_a_wristband_and_reports_it_lost(page, live_server, person):
    admin = factories.user(role="gov_admin", regions=["310104003000"], username="tianping_admin")
    login(page, live_server, admin.username, PASSWORD)
    page.goto(f"{live_server.url}/elders/{person.pk}/")
    panel = page.get_by_test_id("devices-panel")
    expect(panel).to_contain_text("尚未登记智能设备")
    panel.get_by_role("link", name="登记设备").click()
    expect(page.get_by_test_id("device-person")).to_contain_text("王秀英")
    page.get_by_label("设备类型").select_option(label="智能手环")
    page.get_by_label("设备编号").fill("HX3-00012345")
    page.get_by_label("型号").fill("HX-3 智能手环")
    page.get_by_label("安装日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("device-key-once")).to_contain_text("只显示这一次")
    key = page.get_by_test_id("device-key").inner_text()
    assert len(key) >= 24
    shot(page, "alarms-device-key-once")
    page.get_by_role("link", name="查看设备").click()
    expect(page.get_by_test_id("device-facts")).to_contain_text("王秀英")
    assert key not in page.content()
    page.get_by_label("挂失说明").fill("老人外出散步时遗失")
    page.get_by_role("button", name="挂失").click()
    expect(page.get_by_test_id("device-status")).to_have_text("遗失")
    expect(page.get_by_test_id("device-history")).to_contain_text("挂失：老人外出散步时遗失")
    shot(page, "alarms-device-detail")
    page.get_by_role("link", name="智能设备").first.click()
    expect(page.get_by_test_id("device-table")).to_contain_text("HX3-00012345")
    shot(page, "alarms-device-list")
