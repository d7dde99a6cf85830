"""Background jobs of the services module: ids in (or none), one service call."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit
from yanglao.services import services


@db_periodic_task(crontab(minute="*/5"))
@audit.acting_as(None, via="定时任务：服务质量巡检")
def watch_quality() -> dict[str, int]:
    """Every 5 minutes: missing check-ins and check-outs become alerts, overdue complaints are escalated."""
    return services.quality_watch()


@db_periodic_task(crontab(hour="1", minute="15"))
@audit.acting_as(None, via="定时任务：按周期服务计划生成预约")
def generate_plan_orders() -> dict[str, int]:
    """Nightly: the coming two weeks' orders of every active recurring plan (idempotent per plan and day)."""
    return services.plan_generate()
