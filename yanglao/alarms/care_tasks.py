"""The nightly care-call schedule (主动关怀排班) on huey. A separate module from ``tasks.py`` (the ingestion
part's); ``AlarmsConfig.ready`` imports it so the consumer registers the periodic task."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit


@db_periodic_task(crontab(hour="0", minute="30"))
@audit.acting_as(None, via="定时任务：主动关怀排班")
def generate_care_calls() -> dict[str, int]:
    """Half past midnight: the day's care calls, shared among the operators (idempotent for the day)."""
    from yanglao.alarms.services import care

    return care.care_calls_generate(day=timezone.localdate())
