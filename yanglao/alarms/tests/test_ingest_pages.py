"""The alarm rules' pages: the rules in force with their source, a district's edit with its 422, a person's own
rules with a silence, going back to the rule above, and scope."""

import pytest
from django.test import Client

from yanglao.alarms.models import AlarmRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(district_officer):
    client = Client()
    client.force_login(district_officer)
    return client


def row(html: str, kind: str) -> str:
    start = html.index(f'data-kind="{kind}"')
    return html[start : html.index("</tr>", start)]


def test_the_rules_page_marks_defaults_and_own_rules(officer):
    page = officer.get("/alarms/rules/?region=310104000000")
    assert page.status_code == 200
    html = page.content.decode()
    assert "系统默认值（未经核实）" in row(html, "hr_high") and "130 次/分" in row(html, "hr_high")
    assert "2 分钟" in row(html, "hr_high") and "07:00–21:00" in row(html, "no_activity")
    assert "12 小时" in row(html, "no_activity") and "连续 3 个心跳间隔" in row(html, "heartbeat_missed")
    saved = officer.post(
        "/alarms/rules/hr_high/?region=310104000000",
        {"threshold": "125", "duration_minutes": "3", "active_from": "", "active_to": "", "enabled": "on"},
    )
    assert saved.status_code == 302
    rule = AlarmRule.objects.get(kind="hr_high", region_id="310104000000")
    assert (rule.threshold, rule.duration_seconds, rule.is_default) == (125, 180, False)
    html = officer.get("/alarms/rules/?region=310104000000").content.decode()
    assert "本区划规则" in row(html, "hr_high") and "3 分钟" in row(html, "hr_high")
    street = officer.get("/alarms/rules/?region=310104003000").content.decode()
    assert "沿用上级：徐汇区" in row(street, "hr_high")
    assert officer.post("/alarms/rules/hr_high/reset/?region=310104000000").status_code == 302
    assert not AlarmRule.objects.filter(region_id="310104000000").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"threshold": "500", "duration_minutes": "2"}, "应在 60 到 250 之间"),
        ({"threshold": "", "duration_minutes": "2"}, "这个字段是必填项"),
        ({"threshold": "140", "duration_minutes": "2", "active_from": "07:00"}, "生效时段须同时填写起止时间"),
    ],
)
def test_a_bad_rule_comes_back_on_the_form_with_422(officer, data, message):
    page = officer.post("/alarms/rules/hr_high/?region=310104000000", data)
    assert page.status_code == 422
    assert message in page.content.decode()
    assert not AlarmRule.objects.filter(is_default=False).exists()


def test_a_persons_own_rules(officer, person):
    page = officer.get(f"/alarms/people/{person.pk}/rules/")
    assert page.status_code == 200 and "王秀英的报警规则" in page.content.decode()
    saved = officer.post(
        f"/alarms/people/{person.pk}/rules/geofence/",
        {"threshold": "300", "silence_until": "2030-01-01T08:00", "enabled": "on"},
    )
    assert saved.status_code == 302, saved.content.decode()
    rule = AlarmRule.objects.get(elder=person, kind="geofence")
    assert rule.threshold == 300 and rule.silence_until.year == 2030
    html = officer.get(f"/alarms/people/{person.pk}/rules/").content.decode()
    assert "本人规则" in row(html, "geofence") and "静默至" in row(html, "geofence")
    assert officer.post(f"/alarms/people/{person.pk}/rules/geofence/reset/").status_code == 302
    assert not AlarmRule.objects.filter(elder=person).exists()


def test_scope_and_rights(officer, street_officer, other_street_officer, person):
    assert officer.get("/alarms/rules/?region=310105000000").status_code == 404
    assert officer.get("/alarms/rules/nonsense/?region=310104000000").status_code == 404
    assert officer.post("/alarms/rules/hr_high/?region=310105000000", {"threshold": "140"}).status_code == 404
    other = Client()
    other.force_login(other_street_officer)
    assert other.get(f"/alarms/people/{person.pk}/rules/").status_code == 404
    street = Client()
    street.force_login(street_officer)
    assert street.get("/alarms/rules/").status_code == 200  # reads the rules of her street
    assert street.get("/alarms/rules/hr_high/").status_code == 403
    assert Client().get("/alarms/rules/").status_code == 302
    assert not AlarmRule.objects.filter(is_default=False).exists()
