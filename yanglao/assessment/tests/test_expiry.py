"""An approved assessment past its validity (issue 9, 5.5), seen 22 days after it expired: shown as 已过期
on its page, in the lists and on the person's panel; the person's current level and the 失能 group follow
the expiry."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yanglao.assessment import selectors, services
from yanglao.assessment.tests import factories
from yanglao.people import groups
from yanglao.people import selectors as people_selectors
from yanglao.people.models import Elder
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def expired(street_officer, district_officer, monkeypatch):
    """Approved (level 4, 完全失能) a year and 22 days ago by the real workflow, valid for 12 months."""
    agency, (one, two, _) = factories.agency_team()
    elder = people_factories.elder(actor=street_officer, name="过期对象")
    a = factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    services.assessment_submit(actor=one, assessment_id=a.pk, answers=factories.full_answers())
    services.assessment_confirm(actor=two, assessment_id=a.pk)
    back_then = services.add_months(TODAY - dt.timedelta(days=22), -12)
    with monkeypatch.context() as m:
        m.setattr(timezone, "localdate", lambda *args: back_then)
        a = services.assessment_review(actor=district_officer, assessment_id=a.pk, approve=True)
    assert a.valid_until == TODAY - dt.timedelta(days=22)
    return a, Elder.objects.unscoped(reason="test").get(pk=elder.pk)


def test_the_person_no_longer_counts_as_assessed_or_disabled(expired, street_officer):
    a, elder = expired
    assert elder.ability_level == 4  # what was approved is kept, but no longer counts
    assert groups.ability_current(elder.as_record(), TODAY) is None
    assert groups.ability_current(elder.as_record(), a.valid_until) == 4  # the last valid day counts
    assert "disabled" not in [g.code for g in people_selectors.elder_groups(elder)]
    counts = people_selectors.elder_group_counts(user=street_officer, fresh=True)
    assert counts.by_group["disabled"] == 0
    ability = selectors.elder_ability(elder)
    assert (ability.level, ability.expired, ability.name) == (None, True, "能力完全丧失（完全失能）")


def test_pages_say_expired(expired, client, street_officer):
    a, elder = expired
    client.force_login(street_officer)
    detail = client.get(reverse("assessment:detail", args=[a.pk])).content.decode()
    assert 'data-testid="assessment-status">已过期<' in detail and "已生效" not in detail
    listing = client.get(reverse("assessment:list")).content.decode()
    assert "已过期" in listing.split("<tbody>")[1] and "已生效" not in listing.split("<tbody>")[1]
    assert "过期对象" in client.get(reverse("assessment:list"), {"status": "expired"}).content.decode()
    assert "过期对象" not in client.get(reverse("assessment:list"), {"status": "approved"}).content.decode()
    due = client.get(reverse("assessment:due")).content.decode()
    assert "过期对象" in due and "已过期" in due
    panel = client.get(reverse("assessment:elder_panel", args=[elder.pk])).content.decode()
    current = panel.split('data-testid="current-ability"')[1].split("</div>")[0]
    assert "<strong>已过期</strong>" in current and "已生效" not in panel
    person = client.get(reverse("people:elder_detail", args=[elder.pk])).content.decode()
    assert ">失能<" not in person
