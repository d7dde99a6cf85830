"""Background jobs of the alarm centre: ids in (or none), one service call."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.alarms.services import watch
from yanglao.core import audit


@db_periodic_task(crontab(minute="*"))
@audit.acting_as(None, via="定时任务：设备离线与独居无活动巡检")
def watch_devices() -> dict[str, int]:
    """Every minute: silent devices go offline with an alarm; people living alone without activity raise one."""
    return watch.alarm_watch()
