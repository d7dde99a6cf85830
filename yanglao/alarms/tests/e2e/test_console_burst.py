"""An alarm raised while the console is still reloading for the one before shows as soon as that reload is
in, not at the next 15 s refresh: the reload it asks for is queued on the stable feed (htmx keeps the last)
and runs then. A trigger on the swapped queue itself would be dropped with the element it was queued on."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.alarms.choices import AlarmKind
from yanglao.alarms.selectors import console as console_selectors
from yanglao.alarms.services.raising import alarm_raise
from yanglao.alarms.tests.builders import device
from yanglao.core.testing.browser import login
from yanglao.core.testing.factories import PASSWORD
from yanglao.people.tests import factories as people_factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_an_alarm_raised_during_a_reload_shows_when_that_reload_is_in(
    page, live_server, operator, person, monkeypatch
):
    login(page, live_server, operator.username, PASSWORD)
    page.goto(f"{live_server.url}/alarms/console/")
    expect(page.get_by_test_id("no-open")).to_be_visible()
    real, slowed = console_selectors.console, []

    def slow_once(**kwargs):
        found = real(**kwargs)  # read first: what the reload shows is fixed from here
        if not slowed:
            slowed.append(True)
            time.sleep(6)  # a busy database: this reload takes a while to come back
        return found

    monkeypatch.setattr(console_selectors, "console", slow_once)
    other = people_factories.elder(name="独居老人乙", living_arrangement="alone")
    with page.expect_request(
        lambda r: "/alarms/console/" in r.url and "hx-request" in r.headers, timeout=10_000
    ):
        first, _ = alarm_raise(elder=person, device=device(person), kind=AlarmKind.SOS, at=timezone.now())
    page.wait_for_timeout(500)  # the slow reload has read the queue
    second, _ = alarm_raise(elder=other, device=device(other), kind=AlarmKind.SOS, at=timezone.now())
    expect(page.locator(f"[data-alarm='{first.pk}']")).to_be_visible(timeout=10_000)
    # Its event came while the slow reload was out; the queued reload brings it right after.
    expect(page.locator(f"[data-alarm='{second.pk}']")).to_be_visible(timeout=3_000)
