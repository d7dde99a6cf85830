"""Periodic jobs of the facilities module (huey's consumer, started by ``yanglao serve``)."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit
from yanglao.facilities import services


@db_periodic_task(crontab(hour="0", minute="10"))
@audit.acting_as(None, via="定时任务：床位占用日快照")
def take_occupancy_snapshot() -> int:
    """Just after midnight: yesterday's closing occupancy."""
    return services.occupancy_snapshot_take(date=timezone.localdate() - dt.timedelta(days=1))
