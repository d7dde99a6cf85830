"""The import job publishes its progress as live events to its actor (issue 10, item 5): the detail page
reloads on them instead of polling every second."""

import pytest

from yanglao.core import events, importing
from yanglao.core.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = "姓名,公民身份号码,联系电话,居住地址,社区代码,居住情况,经济状况\n"


def test_job_progress_reaches_its_actor_only(settings, tmp_path, street_officer, other_street_officer):
    settings.IMPORT_DIR = tmp_path / "imports"
    content = (HEADER + "张三,110101193804010010,13812345678,天平路 8 号,310104003001,独居,一般\n").encode()
    job = importing.import_job_create(actor=street_officer, kind="elders", filename="a.csv", content=content)
    job = importing.import_job_run(job_id=job.pk)
    assert job.state == ImportJob.State.DONE
    received = events.event_list(user=street_officer, after=0, topics=["import."])
    assert received[0].payload["state"] == "running"
    last = received[-1].payload
    assert last == {
        "job": job.pk,
        "state": "done",
        "percent": 100,
        "rows": 1,
        "created": job.created,
        "updated": 0,
        "unchanged": 0,
        "rejected": job.rejected,
    }
    assert "张三" not in str([e.payload for e in received]) and "13812345678" not in str(received[-1].payload)
    assert events.event_list(user=other_street_officer, after=0) == []


def test_detail_page_waits_for_events_not_a_one_second_poll(client, settings, tmp_path, street_officer):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = ImportJob.objects.create(actor=street_officer, kind="elders", filename="a.csv", path="")
    before = events.latest_id()
    client.force_login(street_officer)
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="yanglao:event"' in html and "every 1s" not in html
    assert f'data-events-value="{job.pk}"' in html and f'data-events-after="{before}"' in html
    assert "js/events.js" in html and 'data-events-badge="notify."' in html
