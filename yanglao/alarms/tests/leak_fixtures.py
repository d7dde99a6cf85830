"""The alarm centre's foreign rows for the leak walker: a person of 湖南路 with a device, a device message, an
alarm with a step, an incoming call (its telephony id too, for the calls API's string paths), a care call and
a visit task, each carrying a marker no page, JSON answer or export in another street may show."""

import datetime as dt

from django.utils import timezone

from yanglao.alarms.choices import ActionKind, AlarmKind, AlarmStatus, Severity
from yanglao.alarms.devicekeys import key_hash
from yanglao.alarms.models import (
    Alarm,
    AlarmAction,
    CallRecord,
    CareCall,
    Device,
    DeviceEvent,
    SlaTarget,
    VisitTask,
)
from yanglao.core.crypto import blind_index
from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories as people_factories

THEIRS = "310104004001"


@register
def alarms_foreign(foreign: Foreign, persona_kind: str) -> None:
    resident = people_factories.elder(
        name=f"{MARKER}呼叫对象",
        region_code=THEIRS,
        contacts=[{"name": f"{MARKER}联系人", "relation": "女儿", "phone": "13611112222"}],
    )
    foreign.add(pk=resident.pk, marker=resident.name, region=THEIRS)
    maintainer = factories.organisation(region_code=THEIRS, name=f"{MARKER}运维公司", kind="home_service")
    device = Device.objects.create(
        serial=f"LEAK{persona_kind.upper()}{resident.pk}",
        kind="wristband",
        elder=resident,
        region_id=THEIRS,
        provider=maintainer,
        key_hash=key_hash("leak-device-key-0123456789"),
        model_name=f"{MARKER}型号",
        note=f"{MARKER}设备备注",
    )
    foreign.add(pk=device.pk, key=device.serial, marker=device.model_name, row=device)
    now = timezone.now()
    event = DeviceEvent.objects.create(
        device=device,
        elder=resident,
        region_id=THEIRS,
        msg_id=f"leak-{persona_kind}",
        type="sos",
        device_time=now,
        received_at=now,
        values={"note": f"{MARKER}消息"},
    )
    foreign.add(pk=event.pk, row=event)
    alarm = Alarm.objects.create(
        elder=resident,
        region_id=THEIRS,
        device=device,
        event=event,
        kind=AlarmKind.SOS,
        severity=Severity.CRITICAL,
        message=f"{MARKER}报警说明",
        raised_at=now - dt.timedelta(minutes=5),
    )
    foreign.add(pk=alarm.pk, marker=alarm.message, row=alarm)
    step = AlarmAction.objects.create(
        alarm=alarm, region_id=THEIRS, kind="note", at=now, note=f"{MARKER}处置备注"
    )
    foreign.add(pk=step.pk, marker=step.note, row=step)
    seat = factories.user(role="operator", regions=["310104004000"], username=f"leak_seat_{persona_kind}")
    call = CallRecord.objects.create(
        external_id=f"leak-call-{persona_kind}",
        direction="in",
        number="13611112222",
        number_hash=blind_index("13611112222"),
        elder=resident,
        region_id=THEIRS,
        operator=seat,
        alarm=alarm,
        ringing_at=now - dt.timedelta(minutes=1),
        note=f"{MARKER}通话说明",
    )
    foreign.add(pk=call.pk, key=call.external_id, marker=call.note, row=call)
    care = CareCall.objects.create(
        elder=resident, region_id=THEIRS, due_on=timezone.localdate(), operator=seat, note=f"{MARKER}关怀记录"
    )
    foreign.add(pk=care.pk, marker=care.note, row=care)
    task = VisitTask.objects.create(
        elder=resident,
        region_id=THEIRS,
        reason="missed_calls",
        note=f"{MARKER}探视说明",
        created_at=now,
    )
    foreign.add(pk=task.pk, marker=task.note, row=task)
    target, _ = SlaTarget.objects.get_or_create(
        region_id="310104004000", defaults={"within_60": 90, "within_180": 95, "strict_60": 91}
    )
    foreign.add(pk=target.pk, row=target)


# console: an alarm of a person in another street, open and claimed, each with a step on its timeline.
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
