"""Background jobs of the registry: ids in, one service call."""

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit
from yanglao.people import services


@task()
def run_import_job(job_id: int) -> str:
    return services.import_job_run(job_id=job_id).state


@db_periodic_task(crontab(hour="3", minute="20"))
@audit.acting_as(None, via="定时任务：清理过期上传文件")
def purge_import_uploads() -> int:
    """Nightly: uploaded files and error reports past the retention period are deleted."""
    return services.import_uploads_purge()
