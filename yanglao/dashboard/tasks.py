"""The cockpit's periodic job: every night the running month is counted again (and on the 1st, the month
that just closed gets its final flows), so a month's last run is its snapshot."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yanglao.core import audit, indicators
from yanglao.core.indicators import Period
from yanglao.dashboard import services


@db_periodic_task(crontab(hour="1", minute="30"))
@audit.acting_as(None, via="定时任务：指标月度汇总")
def aggregate_indicators() -> dict[str, int]:
    today = timezone.localdate()
    current = Period.of(today)
    out = {}
    if today.day == 1:  # late check-outs and alarms closed overnight still belong to last month
        flows = [c for c, m in indicators.MEASURES.items() if m.flow]
        out[str(current.shift(-1))] = services.refresh(period=current.shift(-1), measures=flows).rows
    out[str(current)] = services.refresh(period=current, today=today).rows
    return out
