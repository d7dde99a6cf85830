"""Journey 5, the operator at 2 a.m. (desktop 1280×900): a wristband fall alarm arrives and the console shows it
live with the sound cue; she claims it, sees who and where, the conditions, the medicines and the key holders,
calls the person (no answer) and the daughter (answered), dispatches the community worker, records the 120 call
and closes it with 送医; the SLA report counts it. A second alarm left unclaimed escalates and shows, louder, on
the supervisor's console. Both alarms arrive the way devices send them: JSON over the real Mosquitto to the
MQTT ingester (in process, on its own topic prefix and shared-subscription group).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from yanglao.alarms.choices import DeviceKind
from yanglao.alarms.models import Alarm
from yanglao.alarms.services import console as services
from yanglao.alarms.tests.builders import device
from yanglao.alarms.tests.mqtt_support import (
    payload,
    publish,
    reachable,
    start_ingester,
    stop_ingester,
    unique,
    wait_for,
)
from yanglao.core.testing.browser import login, shot
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

LIVE = 20_000  # the event stream on the test server is answered per request and reconnects every few seconds


@pytest.fixture
def ingester():
    """The MQTT ingester on the real Mosquitto, on a topic prefix of this test's own."""
    if not reachable():
        pytest.skip("Mosquitto is not reachable at 127.0.0.1:1883 (CI runs it)")
    prefix = unique("journey")
    running = start_ingester(prefix, unique("journey-group"))
    yield prefix
    stop_ingester(running)


def arrive(prefix, band, kind="fall", values=None):
    """The device sends its message over MQTT (QoS 1, the key in the payload); the ingester raises the alarm."""
    publish(prefix, [(band.serial, payload(kind, values=values or {}))])
    found = []

    def raised():
        found[:] = Alarm.objects.unscoped(reason="test").filter(device=band).order_by("-pk")[:1]
        return bool(found)

    wait_for(raised, what=f"the {kind} alarm of {band.serial}")
    return found[0]


def _beeps(page) -> int:
    return int(page.get_by_test_id("alarm-console").get_attribute("data-beeps") or 0)


def test_the_operator_handles_a_fall_and_an_unclaimed_alarm_escalates(
    page, browser, live_server, operator, supervisor, person, street_officer, settings, ingester
):
    settings.ALARM_ESCALATE_SECONDS = 2
    person.medicines = "硝苯地平控释片 30mg 每日一次；二甲双胍 0.5g 每日三次"
    person.chronic_conditions = ["高血压", "2型糖尿病"]
    person.save(update_fields=["medicines", "chronic_conditions"])
    band = device(person, DeviceKind.WRISTBAND)
    band.battery = 76
    band.save(update_fields=["battery"])

    login(page, live_server, operator.username, PASSWORD)
    page.get_by_role("link", name="报警处置台").first.click()
    expect(page.get_by_test_id("no-open")).to_have_text("暂无待接警的报警")
    toggle = page.get_by_test_id("sound-toggle")
    expect(toggle).to_have_text("点击开启声音")
    toggle.click()
    expect(toggle).to_have_text("声音已开启（点击关闭）")
    console = page.get_by_test_id("alarm-console")
    expect(console).to_have_attribute("data-sound", "on")
    # Predicates as functions: a bare expression is re-evaluated with eval(), which the page's CSP forbids.
    page.wait_for_function(
        "() => document.getElementById('alarm-console').dataset.beeps !== '0'"
    )  # test beep
    before = _beeps(page)

    # 02:00 — the wristband reports a fall: the row appears without a reload, with the cue.
    fall = arrive(ingester, band, "fall", {"lat": 31.2075, "lng": 121.444})
    row = page.locator(f"tr[data-alarm='{fall.pk}']")
    expect(row).to_contain_text("跌倒报警", timeout=LIVE)
    expect(row).to_contain_text("王秀英")
    expect(row).to_contain_text("独居")
    page.wait_for_function(f"() => Number(document.getElementById('alarm-console').dataset.beeps) > {before}")
    expect(console).to_have_attribute("data-cue", "normal")
    expect(page).to_have_title("（1）报警处置台 · 养老服务综合平台")
    shot(page, "alarm-console-new-fall")

    row.get_by_role("button").click()
    page.wait_for_url(f"{live_server.url}/alarms/{fall.pk}/")
    expect(page.locator(".alert").first).to_contain_text("已接警")
    person_card = page.get_by_test_id("person-card")
    for text in (
        "王秀英",
        person.get_gender_display(),
        f"{person.age} 岁",
        "独居",
        "高血压",
        "2型糖尿病",
        "硝苯地平控释片",
        "所属社区",
    ):
        expect(person_card).to_contain_text(text)
    expect(person_card).not_to_contain_text(person.id_number)
    expect(page.get_by_test_id("contacts-card")).to_contain_text("李娟（女儿）")
    expect(page.get_by_test_id("contacts-card")).to_contain_text("持有钥匙")
    expect(page.get_by_test_id("contacts-card")).not_to_contain_text("13912345678")
    expect(page.get_by_test_id("device-card")).to_contain_text("智能手环")
    expect(page.get_by_test_id("device-card")).to_contain_text("76%")
    expect(page.get_by_test_id("alarm-status")).to_have_text("处置中")
    expect(page.get_by_test_id("alarm-map")).to_have_attribute("data-ready", "true")
    shot(page, "alarm-caller-screen")

    # Call the person: no answer.
    form = page.get_by_test_id("form-call-person")
    form.get_by_label("呼叫结果").select_option(label="无人接听")
    form.get_by_role("button", name="记录").click()
    expect(page.locator(".alert").first).to_contain_text("已记录呼叫老人")

    # The numbers, revealed to her (audited), then the daughter: answered.
    page.get_by_test_id("reveal-phones").click()
    expect(page.get_by_test_id("phones-revealed")).to_contain_text("13912345678")
    form = page.get_by_test_id("form-call-contact")
    form.get_by_label("紧急联系人").select_option("1")
    form.get_by_label("呼叫结果").select_option(label="已接通")
    form.get_by_label("说明").fill("女儿 15 分钟后到，带钥匙")
    form.get_by_role("button", name="记录").click()
    expect(page.locator(".alert").first).to_contain_text("已记录呼叫紧急联系人")

    form = page.get_by_test_id("form-dispatch-community")
    form.get_by_label("交代事项").fill("老人跌倒无人接听，请社区干部立即上门")
    form.get_by_role("button", name="派单").click()
    expect(page.locator(".alert").first).to_contain_text("已派社区工作人员上门")

    form = page.get_by_test_id("form-emergency")
    form.get_by_label("拨打").select_option("120")
    form.get_by_label("说明").fill("120 已受理，救护车出发")
    form.get_by_role("button", name="记录").click()
    expect(page.locator(".alert").first).to_contain_text("已记录拨打急救")
    timeline = page.get_by_test_id("timeline")
    for text in ("接警", "呼叫老人", "无人接听", "李娟（女儿）", "已接通", "派社区工作人员上门", "拨打120"):
        expect(timeline).to_contain_text(text)
    shot(page, "alarm-steps")

    # A refused close (其他 needs a note) stays on the page with the reason (422), then the real close.
    form = page.get_by_test_id("form-close")
    form.get_by_label("处置结果").select_option(label="其他")
    form.get_by_role("button", name="结案").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("请填写结案说明")
    form = page.get_by_test_id("form-close")
    form.get_by_label("处置结果").select_option(label="送医")
    form.get_by_label("结案说明").fill("120 送徐汇区中心医院，女儿陪同")
    form.get_by_role("button", name="结案").click()
    expect(page.get_by_test_id("alarm-status")).to_have_text("已结案")
    expect(page.get_by_test_id("outcome")).to_contain_text("送医")
    expect(page.get_by_test_id("alarm-actions")).to_have_count(0)
    shot(page, "alarm-closed")
    page.get_by_role("link", name="报警记录").first.click()
    expect(page.get_by_test_id("alarm-table")).to_contain_text("送医")
    expect(page.get_by_test_id("alarm-table")).to_contain_text("测试热线坐席")
    shot(page, "alarm-list")

    # The SLA report counts it: one alarm, claimed within 60 s, closed; the count links to the alarm itself.
    page.get_by_role("link", name="接警服务水平").first.click()
    expect(page.get_by_test_id("sla-total")).to_contain_text("1")
    expect(page.get_by_test_id("sla-60")).to_contain_text("100.0%")
    expect(page.get_by_test_id("sla-summary")).to_contain_text("1 / 1")
    expect(page.get_by_test_id("sla-resolution")).to_contain_text("已结案：1")
    shot(page, "alarm-sla-journey")

    # A second alarm nobody claims: it escalates to the duty supervisor, whose console cues louder.
    neighbour = people_factories.elder(
        actor=street_officer, name="张桂兰", living_arrangement="alone", region_code="310104003002"
    )
    terminal = device(neighbour, DeviceKind.ONE_KEY)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    boss = context.new_page()
    boss.set_default_timeout(10_000)
    try:
        login(boss, live_server, supervisor.username, PASSWORD)
        boss.get_by_role("link", name="报警处置台").first.click()
        boss.get_by_test_id("sound-toggle").click()
        expect(boss.get_by_test_id("alarm-console")).to_have_attribute("data-sound", "on")
        page.goto(f"{live_server.url}/alarms/console/")
        # The test's own writes share SQLite's one in-memory connection with the live server: start them when
        # both browsers are quiet, so no request collides with them.
        page.wait_for_load_state("networkidle")
        boss.wait_for_load_state("networkidle")

        sos = arrive(ingester, terminal, "sos")
        expect(boss.locator(f"tr[data-alarm='{sos.pk}']")).to_contain_text("紧急呼救", timeout=LIVE)
        expect(boss.get_by_test_id("escalation-banner")).to_have_count(0)
        moved = services.alarm_escalate_due(now=sos.raised_at + dt.timedelta(seconds=3))
        assert moved == [sos.pk]

        expect(boss.get_by_test_id("escalation-banner")).to_contain_text("1 条报警", timeout=LIVE)
        expect(boss.get_by_test_id(f"escalated-{sos.pk}")).to_be_visible()
        expect(boss.get_by_test_id("alarm-console")).to_have_attribute("data-cue", "escalated")
        expect(page.get_by_test_id(f"escalated-{sos.pk}")).to_be_visible(
            timeout=LIVE
        )  # operators see the mark
        expect(page.get_by_test_id("escalation-banner")).to_have_count(0)  # the banner is the supervisor's
        expect(page.get_by_test_id("alarm-console")).to_have_attribute("data-cue", "normal")
        shot(boss, "alarm-console-escalated-supervisor")
    finally:
        context.close()
