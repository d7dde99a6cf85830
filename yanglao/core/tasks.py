"""Background jobs of core: ids in, one service call."""

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit, events, exports


@task()
def run_export_job(job_id: int) -> str:
    return exports.export_job_run(job_id=job_id).state


@db_periodic_task(crontab(hour="3", minute="40"))
@audit.acting_as(None, via="定时任务：清理过期事件")
def purge_events() -> int:
    """Nightly: live events older than a week are deleted (replay reaches back that far)."""
    return events.event_purge()
