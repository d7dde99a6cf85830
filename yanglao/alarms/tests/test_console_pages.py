"""The console's pages: the queue, the caller's screen and its action forms, the alarm list and export."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from yanglao.alarms.choices import ActionKind, AlarmKind, AlarmStatus, CallResult, Outcome
from yanglao.alarms.models import AlarmAction
from yanglao.alarms.services import console as services
from yanglao.alarms.tests.console_builders import HUNAN, another_operator, raise_alarm, reload
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


def _detail(alarm):
    return reverse("alarms:alarm_detail", args=[alarm.pk])


def _act(alarm, action):
    return reverse("alarms:alarm_act", args=[alarm.pk, action])


# ---------------------------------------------------------------- the console


def test_the_console_lists_open_alarms_by_severity_then_age_with_a_claim_button(client, operator, person):
    low = raise_alarm(person, AlarmKind.LOW_BATTERY)
    fall = raise_alarm(person, AlarmKind.FALL)
    client.force_login(operator)
    page = client.get(reverse("alarms:console")).content.decode()
    assert page.index(f'data-alarm="{fall.pk}"') < page.index(f'data-alarm="{low.pk}"')
    assert "跌倒报警" in page and "接警" in page and "点击开启声音" in page
    assert 'data-events-topic="alarms.alarm"' in page
    assert "暂无处置中的报警" in page


def test_the_empty_console_says_so(client, operator):
    client.force_login(operator)
    page = client.get(reverse("alarms:console")).content.decode()
    assert "暂无待接警的报警" in page


def test_the_console_is_for_operators_and_supervisors(client, street_officer, supervisor):
    client.force_login(street_officer)
    assert client.get(reverse("alarms:console")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("alarms:console")).status_code == 200


def test_the_htmx_refresh_returns_the_queue_only(client, operator, person):
    raise_alarm(person)
    client.force_login(operator)
    html = client.get(reverse("alarms:console"), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith("<div") or 'id="console-live"' in html
    assert "<html" not in html and 'id="console-live"' in html


def test_claiming_from_the_console_opens_the_callers_screen(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    response = client.post(reverse("alarms:console_claim", args=[alarm.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(alarm)
    assert reload(alarm).status == AlarmStatus.CLAIMED


def test_a_claim_someone_else_made_first_is_refused_on_the_console_with_422(client, operator, person):
    alarm = raise_alarm(person)
    services.alarm_claim(actor=another_operator("quicker"), alarm_id=alarm.pk)
    client.force_login(operator)
    response = client.post(reverse("alarms:console_claim", args=[alarm.pk]))
    assert response.status_code == 422
    assert "该报警已由其他坐席接警" in response.content.decode()


def test_supervisors_see_escalated_alarms_with_a_banner(client, supervisor, operator, person):
    alarm = raise_alarm(person)
    services.alarm_escalate_due(now=alarm.raised_at + services.dt.timedelta(seconds=31))
    client.force_login(supervisor)
    page = client.get(reverse("alarms:console")).content.decode()
    assert 'data-testid="escalation-banner"' in page and "已升级至督办" in page
    assert f'data-testid="escalated-{alarm.pk}"' in page
    client.force_login(operator)
    page = client.get(reverse("alarms:console")).content.decode()
    assert 'data-testid="escalation-banner"' not in page  # operators see the row's mark, not the banner
    assert f'data-testid="escalated-{alarm.pk}"' in page


# ---------------------------------------------------------------- the caller's screen


def test_the_callers_screen_never_shows_the_id_number_or_the_birth_date(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    page = client.get(_detail(alarm)).content.decode()
    assert person.name in page and f"{person.age} 岁" in page and "独居" in page
    assert person.id_number not in page and person.id_masked not in page
    assert person.birth_date.isoformat() not in page and "出生日期" not in page
    assert person.phone not in page and "13912345678" not in page  # phones masked until revealed
    assert person.address not in page and person.address_masked in page
    assert "持有钥匙" in page and "李娟" in page


def test_medicines_are_shown_and_the_showing_audited(client, operator, person):
    person.medicines = "阿司匹林肠溶片 每日一次"
    person.chronic_conditions = ["高血压", "糖尿病"]
    person.save(update_fields=["medicines", "chronic_conditions"])
    alarm = raise_alarm(person)
    client.force_login(operator)
    page = client.get(_detail(alarm)).content.decode()
    assert "阿司匹林肠溶片 每日一次" in page and "高血压" in page
    entry = LogEntry.objects.get(additional_data__reveal="medicines")
    assert entry.actor == operator and entry.additional_data["alarm"] == alarm.pk


def test_another_streets_alarm_is_a_404_on_every_page(client, person):
    alarm = raise_alarm(person)
    hunan = another_operator("hunan_op", (HUNAN,))
    client.force_login(hunan)
    assert client.get(_detail(alarm)).status_code == 404
    assert client.get(reverse("alarms:alarm_live", args=[alarm.pk])).status_code == 404
    assert client.post(_act(alarm, "claim")).status_code == 404
    assert client.post(reverse("alarms:console_claim", args=[alarm.pk])).status_code == 404
    assert client.post(reverse("alarms:alarm_phones", args=[alarm.pk])).status_code == 404
    assert reload(alarm).status == AlarmStatus.OPEN


def test_the_handler_sees_the_action_forms_and_others_do_not(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    page = client.get(_detail(alarm)).content.decode()
    assert 'data-testid="form-call-person"' not in page and "接警</button>" in page
    client.post(_act(alarm, "claim"))
    page = client.get(_detail(alarm)).content.decode()
    for form in ("call-person", "call-contact", "dispatch-community", "emergency", "note", "close"):
        assert f'data-testid="form-{form}"' in page
    client.force_login(another_operator("onlooker"))
    page = client.get(_detail(alarm)).content.decode()
    assert 'data-testid="form-call-person"' not in page and 'data-testid="alarm-actions"' not in page


def test_steps_posted_from_the_screen_land_on_the_timeline(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    client.post(_act(alarm, "claim"))
    assert client.post(_act(alarm, "call_person"), {"result": CallResult.NO_ANSWER}).status_code == 302
    response = client.post(
        _act(alarm, "call_contact"), {"position": "1", "result": CallResult.ANSWERED, "note": "马上到"}
    )
    assert response.status_code == 302
    assert client.post(_act(alarm, "dispatch_community"), {"note": "带钥匙"}).status_code == 302
    assert client.post(_act(alarm, "emergency"), {"service": "120"}).status_code == 302
    response = client.post(_act(alarm, "close"), {"outcome": Outcome.HOSPITAL, "note": "送医"})
    assert response.status_code == 302
    kinds = list(
        AlarmAction.objects.unscoped(reason="test").filter(alarm=alarm).values_list("kind", flat=True)
    )
    assert kinds == [
        ActionKind.CLAIM,
        ActionKind.CALL_PERSON,
        ActionKind.CALL_CONTACT,
        ActionKind.DISPATCH_COMMUNITY,
        ActionKind.CALL_120,
        ActionKind.CLOSE,
    ]
    page = client.get(_detail(alarm)).content.decode()
    assert "无人接听" in page and "李娟" in page and "已结案" in page and "送医" in page


def test_invalid_or_refused_steps_show_the_screen_again_with_422_in_chinese(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    refused = client.post(_act(alarm, "note"), {"note": "先记一笔"})
    assert refused.status_code == 422 and "请先接警" in refused.content.decode()
    client.post(_act(alarm, "claim"))
    missing = client.post(_act(alarm, "call_person"), {"result": ""})
    assert missing.status_code == 422 and "呼叫结果" in missing.content.decode()
    no_outcome = client.post(_act(alarm, "close"), {"outcome": ""})
    assert no_outcome.status_code == 422 and "处置结果" in no_outcome.content.decode()
    false_alarm = client.post(_act(alarm, "close"), {"outcome": Outcome.FALSE_ALARM})
    assert false_alarm.status_code == 422 and "请填写结案说明" in false_alarm.content.decode()
    assert client.post(_act(alarm, "nonsense")).status_code == 404
    assert reload(alarm).status == AlarmStatus.CLAIMED


def test_the_reveal_button_shows_clear_phones_to_the_handler(client, operator, person):
    alarm = raise_alarm(person)
    client.force_login(operator)
    assert client.post(reverse("alarms:alarm_phones", args=[alarm.pk])).status_code == 422
    client.post(_act(alarm, "claim"))
    html = client.post(reverse("alarms:alarm_phones", args=[alarm.pk])).content.decode()
    assert "13912345678" in html and "13800001111" in html and person.phone in html
    assert 'href="tel:13912345678"' in html and "持有钥匙" in html


def test_the_live_part_follows_the_alarm_without_auditing(client, operator, person):
    person.medicines = "某药"
    person.save(update_fields=["medicines"])
    alarm = raise_alarm(person)
    client.force_login(operator)
    html = client.get(reverse("alarms:alarm_live", args=[alarm.pk])).content.decode()
    assert 'id="alarm-live"' in html and "待接警" in html and "某药" not in html
    assert not LogEntry.objects.filter(additional_data__reveal="medicines").exists()


# ---------------------------------------------------------------- the list


def test_the_alarm_list_filters_and_exports(client, operator, person, street_officer):
    other = people_factories.elder(actor=street_officer, name="陈建国")
    fall = raise_alarm(person, AlarmKind.FALL)
    sos = raise_alarm(other, AlarmKind.SOS)
    services.alarm_claim(actor=operator, alarm_id=sos.pk)
    client.force_login(operator)
    page = client.get(reverse("alarms:alarm_list")).content.decode()
    assert person.name in page and "陈建国" in page
    page = client.get(reverse("alarms:alarm_list"), {"status": "claimed"}).content.decode()
    assert "陈建国" in page and person.name not in page
    page = client.get(reverse("alarms:alarm_list"), {"kind": "fall", "severity": "1"}).content.decode()
    assert person.name in page and "陈建国" not in page
    page = client.get(reverse("alarms:alarm_list"), {"street": HUNAN}).content.decode()
    assert person.name not in page and "暂无符合条件的报警" in page
    page = client.get(reverse("alarms:alarm_list"), {"elder": person.pk}).content.decode()
    assert person.name in page and "陈建国" not in page
    exported = b"".join(
        client.get(reverse("alarms:alarm_export"), {"format": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert "报警编号" in exported and str(fall.pk) in exported and "陈建国" in exported
    assert person.phone not in exported
    assert LogEntry.objects.filter(additional_data__batch="alarm.export").exists()


def test_the_list_shows_a_street_only_its_own_alarms(client, street_officer, other_street_officer):
    mine = people_factories.elder(actor=street_officer, name="天平老人")
    hunan = people_factories.elder(actor=other_street_officer, name="湖南老人", region_code="310104004001")
    raise_alarm(mine)
    theirs = raise_alarm(hunan)
    client.force_login(street_officer)
    page = client.get(reverse("alarms:alarm_list")).content.decode()
    assert "天平老人" in page and "湖南老人" not in page
    assert client.get(_detail(theirs)).status_code == 404


# ---------------------------------------------------------------- Chinese only, no inline script


class _Text(HTMLParser):
    """The text a user reads: text nodes outside script and style, plus labels read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


ALLOWED_LATIN = {"Excel", "CSV", "API"}


def _english(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    return set(re.findall(r"[A-Za-z]{3,}", " ".join(reader.parts))) - ALLOWED_LATIN


def test_the_pages_speak_chinese_only(client, operator, person):
    person.medicines = "阿司匹林"
    person.save(update_fields=["medicines"])
    alarm = raise_alarm(person)
    client.force_login(operator)
    client.post(_act(alarm, "claim"))
    client.post(_act(alarm, "call_person"), {"result": CallResult.NO_ANSWER})
    services.alarm_escalate_due(
        now=raise_alarm(person, AlarmKind.SOS).raised_at + services.dt.timedelta(minutes=5)
    )
    for url in (reverse("alarms:console"), _detail(alarm), reverse("alarms:alarm_list")):
        assert _english(client.get(url).content.decode()) == set(), url


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[1] / "templates" / "alarms").glob("*.html")), ids=lambda p: p.name
)
def test_templates_have_no_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE)
    assert not re.search(r"<script(?![^>]*\bsrc=)", text, re.IGNORECASE)
