"""Background jobs of the services module: ids in (or none), one service call."""

import datetime as dt

from django.utils import timezone
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


@db_periodic_task(crontab(hour="0", minute="40"))
@audit.acting_as(None, via="定时任务：发放政府购买服务额度")
def grant_allowances() -> dict[str, int]:
    """Nightly: this month's and next month's allowance rows for everyone entitled (people registered or
    newly eligible get theirs the next night; an order that comes first makes its own)."""
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    return {f"{m:%Y-%m}": services.allowances_grant(month=m) for m in (this_month, next_month)}
