"""Background jobs of core: ids in, one service call."""

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit, events, exports, importing


@task()
def run_export_job(job_id: int) -> str:
    return exports.export_job_run(job_id=job_id).state


@task()
def run_import_job(job_id: int) -> str:
    return importing.import_job_run(job_id=job_id).state


@db_periodic_task(crontab(minute="*/10"))
@audit.acting_as(None, via="定时任务：结束失去进程的导入")
def expire_import_jobs() -> int:
    """Every 10 minutes: a running import whose worker died is ended as failed with its reason."""
    return importing.import_jobs_expire()


@db_periodic_task(crontab(hour="3", minute="20"))
@audit.acting_as(None, via="定时任务：清理过期上传文件")
def purge_import_uploads() -> int:
    """Nightly: uploads, error reports and background exports past the retention period are deleted."""
    return importing.import_uploads_purge()


@db_periodic_task(crontab(hour="3", minute="40"))
@audit.acting_as(None, via="定时任务：清理过期事件")
def purge_events() -> int:
    """Nightly: live events older than a week are deleted (replay reaches back that far)."""
    return events.event_purge()
