"""Background jobs of the registry: ids in, one service call."""

from django_tasks import task

from yanglao.people import services


@task()
def run_import_job(job_id: int) -> str:
    return services.import_job_run(job_id=job_id).state
