"""Periodic jobs of the services module (huey's consumer, started by ``yanglao serve``)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit
from yanglao.services import services


@db_periodic_task(crontab(minute="*/5"))
@audit.acting_as(None, via="定时任务：服务质量巡检")
def watch_quality() -> dict[str, int]:
    """Every 5 minutes: missing check-ins and check-outs become alerts, overdue complaints are escalated."""
    return services.quality_watch()
