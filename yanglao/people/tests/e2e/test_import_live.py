"""The import page and the header badge follow live events in Chromium (issue 10, item 5): no one-second poll.

The test live server is WSGI, so ``/events/`` answers with what is there and the browser reconnects after the
``retry`` interval (3 s); under uvicorn the same page keeps one open stream."""

import pytest
from playwright.sync_api import expect

from yanglao.core import events
from yanglao.core.models import ImportJob
from yanglao.core.testing.browser import login
from yanglao.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def officer(db, street_officer):
    street_officer.set_password(PASSWORD)
    street_officer.save()
    return street_officer


def test_progress_page_and_badge_follow_events(page, live_server, officer):
    job = ImportJob.objects.create(
        actor=officer, kind="elders", filename="名单.xlsx", path="", state=ImportJob.State.RUNNING
    )
    login(page, live_server, "street", PASSWORD)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    expect(page.get_by_test_id("import-state")).to_have_text("处理中")
    badge = page.get_by_role("status", name="新通知")
    expect(badge).to_be_hidden()

    job.state, job.rows, job.processed, job.created = ImportJob.State.DONE, 3, 3, 3
    job.save()
    events.publish_on_commit("import.progress", {"job": job.pk, "state": "done"}, user_id=officer.pk)
    events.publish_on_commit("notify.test", {"n": 1}, user_id=officer.pk)

    expect(page.get_by_test_id("import-state")).to_have_text("已完成")
    expect(badge).to_have_text("1")
    assert any("/events/" in url for url in requests)
    assert sum(f"/imports/{job.pk}/" in url for url in requests) == 2  # the page and one reload on the event
