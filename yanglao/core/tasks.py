"""Background jobs of core: ids in, one service call."""

from django_tasks import task

from yanglao.core import exports


@task()
def run_export_job(job_id: int) -> str:
    return exports.export_job_run(job_id=job_id).state
