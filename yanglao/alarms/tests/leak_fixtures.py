"""The alarm centre's foreign rows for the leak walker (core/tests/test_leak.py). Each part adds its own
function here.

console: an alarm of a person in another street (湖南路), claimed with a step on its timeline, and an open one.
"""

from django.utils import timezone

from yanglao.alarms.choices import ActionKind, AlarmKind, AlarmStatus, Severity
from yanglao.alarms.models import Alarm, AlarmAction
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories as people_factories


@register
def console_foreign(foreign: Foreign, persona_kind: str) -> None:
    elder = people_factories.elder(name=f"{MARKER}报警人", region_code="310104004001")
    foreign.add(pk=elder.pk, marker=elder.name)
    now = timezone.now()
    for status in (AlarmStatus.OPEN, AlarmStatus.CLAIMED):
        alarm = Alarm.objects.create(
            elder=elder,
            region_id=elder.region_id,
            kind=AlarmKind.SOS,
            severity=Severity.CRITICAL,
            message=f"{MARKER}报警说明",
            raised_at=now,
            status=status,
            claimed_at=now if status == AlarmStatus.CLAIMED else None,
        )
        foreign.add(pk=alarm.pk, region=alarm.region_id, row=alarm)
        step = AlarmAction.objects.create(
            alarm=alarm, region_id=alarm.region_id, kind=ActionKind.NOTE, at=now, note=f"{MARKER}处置备注"
        )
        foreign.add(pk=step.pk, marker=step.note, row=step)
    foreign.add(marker=f"{MARKER}报警说明")
