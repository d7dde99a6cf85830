"""Discharge asks why (issue 9, 5.9): the reason and its note are stored on the stay, the page asks and
confirms, and the facility page shows the stay history."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import errors, services
from yanglao.facilities.models import Bed, BedStay
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def occupied(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="离开测试运营方")
    provider = core_factories.user(role="provider", organisation=operator, username="leave_staff")
    home = services.facility_create(
        actor=street_officer,
        name="离开测试照护之家",
        kind="elder_care_home",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lat=31.2075,
        lng=121.444,
    )
    bed = services.bed_create(actor=provider, facility_id=home.pk, room="201", number="1")
    person = people_factories.elder(actor=street_officer, name="离开老人")
    services.bed_admit(actor=provider, bed_id=bed.pk, id_number=person.id_number, date=dt.date(2026, 1, 5))
    return provider, home, bed, person


@pytest.mark.parametrize(
    ("kw", "code", "text"),
    [
        ({"reason": ""}, "facilities.discharge_refused", "请选择离开原因"),
        ({"reason": "escaped"}, "facilities.discharge_refused", "请选择离开原因"),
        ({"reason": "other"}, "facilities.discharge_refused", "请填写说明"),
        ({"reason": "other", "note": "   "}, "facilities.discharge_refused", "请填写说明"),
        ({"reason": "home", "note": "x" * 201}, "facilities.discharge_refused", "最多 200 个字"),
        ({"reason": "home", "note": "a\x00b"}, "facilities.discharge_refused", "控制字符"),
        ({"reason": "home", "date": dt.date(2026, 1, 4)}, "facilities.discharge_refused", "早于入住日期"),
        (
            {"reason": "home", "date": timezone.localdate() + dt.timedelta(days=1)},
            "facilities.discharge_refused",
            "晚于今天",
        ),
    ],
)
def test_discharge_needs_a_reason(occupied, kw, code, text):
    provider, _, bed, person = occupied
    with pytest.raises(errors.DischargeRefused, match=text) as refused:
        services.bed_discharge(actor=provider, bed_id=bed.pk, **kw)
    assert refused.value.code == code
    assert Bed.objects.unscoped(reason="test").get(pk=bed.pk).occupant_id == person.pk


def test_the_reason_is_stored_on_the_stay(occupied):
    provider, _, bed, _ = occupied
    stay = services.bed_discharge(
        actor=provider, bed_id=bed.pk, reason="other", note=" 去子女家长住 ", date=dt.date(2026, 3, 1)
    )
    stored = BedStay.objects.unscoped(reason="test").get(pk=stay.pk)
    assert (stored.discharged_on, stored.discharge_reason, stored.discharge_note) == (
        dt.date(2026, 3, 1),
        "other",
        "去子女家长住",
    )
    assert stored.get_discharge_reason_display() == "其他"


def test_the_page_asks_why_and_confirms(client, occupied):
    provider, home, bed, person = occupied
    client.force_login(provider)
    url = f"/facilities/{home.pk}/beds/{bed.pk}/discharge/"
    asked = client.get(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "离开老人" in page and "2026-01-05" in page and "离开原因" in page and "确认离开" in page
    refused = client.post(url, {"date": "2026-03-01", "reason": ""})
    assert refused.status_code == 422 and "请选择离开原因" in refused.content.decode()
    refused = client.post(url, {"date": "2026-03-01", "reason": "other"})
    assert refused.status_code == 422 and "请填写说明" in refused.content.decode()
    assert Bed.objects.unscoped(reason="test").get(pk=bed.pk).occupant_id == person.pk
    done = client.post(url, {"date": "2026-03-01", "reason": "hospital"}, follow=True)
    assert "已办理离开（住院）" in done.content.decode()
    assert Bed.objects.unscoped(reason="test").get(pk=bed.pk).occupant_id is None
    assert client.get(url, follow=True).content.decode().count("该床位没有入住的老人") == 1


def test_the_facility_page_shows_the_stay_history(client, street_officer, occupied):
    provider, home, bed, _ = occupied
    services.bed_discharge(actor=provider, bed_id=bed.pk, reason="death", date=dt.date(2026, 2, 1))
    later = people_factories.elder(actor=street_officer, name="后来老人")
    services.bed_admit(actor=provider, bed_id=bed.pk, id_number=later.id_number, date=dt.date(2026, 2, 3))
    client.force_login(street_officer)
    page = client.get(f"/facilities/{home.pk}/").content.decode()
    history = page[page.index('data-testid="stay-history"') :]
    assert history.index("后来老人") < history.index("离开老人")  # newest first
    assert "2026-01-05" in history and "2026-02-01" in history and "死亡" in history and "在住" in history


def test_another_street_cannot_open_the_discharge_page(client, other_street_officer, occupied):
    _, home, bed, _ = occupied
    client.force_login(other_street_officer)
    assert client.get(f"/facilities/{home.pk}/beds/{bed.pk}/discharge/").status_code in (403, 404)
