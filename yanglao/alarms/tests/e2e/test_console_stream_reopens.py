"""A live page stays live after its event stream was answered with an error (a proxy's 502, a restart): the
browser does not reopen such a stream by itself, static/js/events.js does, from the last event it saw."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yanglao.alarms.choices import AlarmKind
from yanglao.alarms.services.raising import alarm_raise
from yanglao.alarms.tests.builders import device
from yanglao.core.testing.browser import login
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_the_console_reopens_a_stream_that_was_answered_with_an_error(page, live_server, operator, person):
    failed = []

    def first_stream_fails(route):
        if not failed:
            failed.append(route.request.url)
            route.fulfill(status=502, body="Bad Gateway")
        else:
            route.continue_()

    login(page, live_server, operator.username, PASSWORD)
    page.route("**/events/**", first_stream_fails)
    page.goto(f"{live_server.url}/alarms/console/")
    expect(page.get_by_test_id("no-open")).to_be_visible()
    page.wait_for_timeout(500)
    assert failed, "the page opened no event stream"
    alarm, _ = alarm_raise(elder=person, device=device(person), kind=AlarmKind.SOS, at=timezone.now())
    # No reload: the row can only come through a reopened stream (the console's own 15 s refresh is slower
    # than this wait, so only the reopen can bring it).
    expect(page.locator(f"[data-alarm='{alarm.pk}']")).to_be_visible(timeout=10_000)
