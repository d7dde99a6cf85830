"""Demo data of the alarm centre (应急呼救) and proactive care (主动关怀) for the Xuhui profile.

Devices for part of the people living alone (wristbands, one-key terminals, door sensors, a few smoke sensors)
with plausible batteries, firmware and last-seen times; 30 days of closed alarms whose claim times are mostly
within a minute and sometimes not (so the SLA report has true figures), each with the operators' timed steps
and their calls; three open alarms now (an SOS, a fall, a low battery); four weeks of care calls and today's
list, shared among the demo operator and five colleagues; and the visit tasks both produce. Everything is
generated (names, numbers, messages): nothing here is a real person or a real device.

Demo devices' keys are not random: ``demo_device_key(serial)`` derives each from its serial with a secret
that is published here, so ``yanglao simulate-devices`` can send messages for the seeded devices. A real
deployment registers devices with random keys (``devicekeys.new_key``) and never uses this function.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.alarms.choices import (
    ActionKind,
    AlarmKind,
    AlarmStatus,
    CallDirection,
    CallResult,
    CareCallStatus,
    DeviceKind,
    EventType,
    Outcome,
    VisitReason,
    VisitTaskStatus,
)
from yanglao.alarms.devicekeys import key_hash
from yanglao.alarms.models import Alarm, AlarmAction, CallRecord, CareCall, Device, DeviceEvent, VisitTask
from yanglao.alarms.services import care
from yanglao.alarms.services.raising import SEVERITY, alarm_raise
from yanglao.core import demo
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.crypto import blind_index
from yanglao.core.models import Organisation, Region, User
from yanglao.people import groups
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder, EmergencyContact

# Published on purpose: demo keys must be reproducible by the simulator. Never a production secret.
DEMO_DEVICE_SECRET = b"yanglao-demo-devices (public, for the demo only)"
SERIAL_PREFIX = "XH"

DAYS = 30
SHARE_WITH_DEVICES = 0.6  # of the people living alone
EXTRA_OPERATORS = ["热线坐席 李敏", "热线坐席 王磊", "热线坐席 陈静怡", "热线坐席 赵刚", "热线坐席 周婷"]

# kind → (serial letter, model, firmware, heartbeat seconds, battery-powered)
DEVICE_SPECS = {
    DeviceKind.WRISTBAND: ("W", "安护 W3 智能手环（演示型号）", "W3-2.4.1", 300, True),
    DeviceKind.ONE_KEY: ("K", "安护 K1 一键通（演示型号）", "K1-1.8.0", 600, False),
    DeviceKind.DOOR: ("D", "安护 D2 门磁（演示型号）", "D2-1.2.3", 900, True),
    DeviceKind.SMOKE: ("S", "安护 S1 烟感报警器（演示型号）", "S1-3.0.2", 3600, True),
}

MEDICINES = [
    "氨氯地平片 5mg 每日一次",
    "二甲双胍片 0.5g 每日两次",
    "阿司匹林肠溶片 100mg 每日一次",
    "阿托伐他汀钙片 20mg 每晚一次",
    "左旋多巴片 遵医嘱",
]
CONDITIONS = {
    "氨氯地平片 5mg 每日一次": "hypertension",
    "二甲双胍片 0.5g 每日两次": "diabetes",
    "阿司匹林肠溶片 100mg 每日一次": "coronary",
    "阿托伐他汀钙片 20mg 每晚一次": "cerebral_infarction",
    "左旋多巴片 遵医嘱": "parkinson",
}

CARE_NOTES = [
    "老人身体不错，刚买菜回来",
    "血压平稳，按时吃药",
    "说最近睡眠不好，已建议到社区卫生服务中心看看",
    "想报名社区助餐，已告知长者食堂地址",
    "腿脚不便，希望有人陪同就医，已记录需求",
    "女儿周末来看过，情绪很好",
    "天气热，提醒多喝水、开空调",
    "家里水龙头漏水，已告知可申请上门维修",
]

# One alarm's story: (weight, outcome, outcome note, steps). A step is (action, contact position or None,
# call result or "", note); the person's own calls and the contacts' calls become call records.
Step = tuple[str, int | None, str, str]
STORIES: dict[str, list[tuple[int, str, str, list[Step]]]] = {
    AlarmKind.SOS: [
        (
            5,
            Outcome.FALSE_ALARM,
            "老人误按",
            [("call_person", None, "answered", "老人说误按了按钮，身体无碍")],
        ),
        (
            2,
            Outcome.HOSPITAL,
            "胸闷气短，120 送往徐汇区中心医院",
            [
                ("call_person", None, "answered", "老人胸闷、说话费力"),
                ("call_120", None, "", "已拨打120，告知地址、病情和常用药"),
                ("call_contact", 1, "answered", "已通知家属赶往医院"),
            ],
        ),
        (
            2,
            Outcome.RESOLVED_HOME,
            "社区上门确认老人安好",
            [
                ("call_person", None, "no_answer", ""),
                ("call_contact", 1, "answered", "家属说老人可能在午睡"),
                ("dispatch_community", None, "", "请社区工作人员上门查看"),
            ],
        ),
    ],
    AlarmKind.FALL: [
        (
            2,
            Outcome.HOSPITAL,
            "跌倒后髋部疼痛，120 送医",
            [
                ("call_person", None, "answered", "老人在卫生间跌倒，起不来"),
                ("call_120", None, "", "已拨打120"),
                ("call_contact", 1, "answered", "已通知家属"),
                ("dispatch_community", None, "", "持钥匙的社区工作人员先行上门"),
            ],
        ),
        (
            3,
            Outcome.RESOLVED_HOME,
            "自行起身，无明显外伤，已嘱家属关注",
            [
                ("call_person", None, "answered", "跌倒后已自行起身，无明显外伤"),
                ("call_contact", 1, "answered", "告知家属今晚多打电话"),
            ],
        ),
        (
            2,
            Outcome.FALSE_ALARM,
            "手环碰撞误报",
            [("call_person", None, "answered", "手环磕到桌子，老人没有跌倒")],
        ),
    ],
    AlarmKind.SERVICE: [
        (
            1,
            Outcome.SERVICE_DONE,
            "已转服务机构上门",
            [
                ("call_person", None, "answered", "家里水管漏水，需要维修"),
                ("dispatch_provider", None, "", "已转居家服务社，约今日下午上门"),
            ],
        ),
        (
            1,
            Outcome.RESOLVED_HOME,
            "咨询助餐，已告知",
            [("call_person", None, "answered", "咨询长者食堂的开放时间")],
        ),
    ],
    AlarmKind.LOW_BATTERY: [
        (1, Outcome.RESOLVED_HOME, "已提醒充电", [("call_person", None, "answered", "已提醒老人给设备充电")]),
    ],
    AlarmKind.OFFLINE: [
        (
            1,
            Outcome.DEVICE_FAULT,
            "电源被拔，已指导恢复",
            [("call_person", None, "answered", "设备电源被拔掉，已指导插回")],
        ),
    ],
    AlarmKind.NO_ACTIVITY: [
        (
            1,
            Outcome.RESOLVED_HOME,
            "社区上门，老人外出刚回",
            [
                ("call_person", None, "no_answer", ""),
                ("call_contact", 1, "busy", ""),
                ("call_contact", 2, "answered", "亲属说老人可能去了女儿家"),
                ("dispatch_community", None, "", "请社区工作人员上门确认"),
            ],
        ),
    ],
    AlarmKind.HEART_RATE_HIGH: [
        (
            1,
            Outcome.RESOLVED_HOME,
            "刚上楼梯，休息后心率回落",
            [("call_person", None, "answered", "老人刚爬完楼梯，休息后好转")],
        ),
    ],
    AlarmKind.SMOKE: [
        (3, Outcome.FALSE_ALARM, "做饭油烟", [("call_person", None, "answered", "做饭油烟，已开窗通风")]),
        (
            1,
            Outcome.RESOLVED_HOME,
            "锅烧干，社区上门处理",
            [
                ("call_person", None, "no_answer", ""),
                ("call_119", None, "", "已拨打119"),
                ("dispatch_community", None, "", "社区工作人员持钥匙上门"),
            ],
        ),
    ],
    AlarmKind.CALL: [
        (
            1,
            Outcome.RESOLVED_HOME,
            "来电诉头晕，已联系家属陪同就医",
            [("note", None, "", "老人来电说头晕"), ("call_contact", 1, "answered", "家属下午陪同就医")],
        ),
    ],
}

# How often each kind happens among the month's alarms (relative), and which devices raise it.
KIND_WEIGHTS = {
    AlarmKind.SOS: 28,
    AlarmKind.FALL: 12,
    AlarmKind.SERVICE: 16,
    AlarmKind.LOW_BATTERY: 14,
    AlarmKind.OFFLINE: 10,
    AlarmKind.NO_ACTIVITY: 5,
    AlarmKind.HEART_RATE_HIGH: 5,
    AlarmKind.SMOKE: 3,
    AlarmKind.CALL: 7,
}
KIND_DEVICES = {
    AlarmKind.SOS: (DeviceKind.WRISTBAND, DeviceKind.ONE_KEY),
    AlarmKind.FALL: (DeviceKind.WRISTBAND,),
    AlarmKind.SERVICE: (DeviceKind.ONE_KEY,),
    AlarmKind.LOW_BATTERY: (DeviceKind.WRISTBAND, DeviceKind.DOOR, DeviceKind.SMOKE),
    AlarmKind.OFFLINE: (DeviceKind.ONE_KEY, DeviceKind.WRISTBAND, DeviceKind.DOOR),
    AlarmKind.NO_ACTIVITY: (DeviceKind.DOOR,),
    AlarmKind.HEART_RATE_HIGH: (DeviceKind.WRISTBAND,),
    AlarmKind.SMOKE: (DeviceKind.SMOKE,),
    AlarmKind.CALL: (),
}
EVENT_OF = {
    AlarmKind.SOS: EventType.SOS,
    AlarmKind.FALL: EventType.FALL,
    AlarmKind.SERVICE: EventType.SERVICE,
    AlarmKind.LOW_BATTERY: EventType.LOW_BATTERY,
    AlarmKind.HEART_RATE_HIGH: EventType.VITALS,
    AlarmKind.SMOKE: EventType.SMOKE,
}
MESSAGES = {
    AlarmKind.SOS: "紧急呼救按键",
    AlarmKind.FALL: "手环检测到跌倒",
    AlarmKind.SERVICE: "一键通绿色服务键",
    AlarmKind.LOW_BATTERY: "设备电量低于 20%",
    AlarmKind.OFFLINE: "超过 3 个心跳周期未上报",
    AlarmKind.NO_ACTIVITY: "白天超过 12 小时无开门记录",
    AlarmKind.HEART_RATE_HIGH: "心率持续 2 分钟高于 130 次/分",
    AlarmKind.SMOKE: "烟雾浓度超限",
    AlarmKind.CALL: "老人来电求助",
}


def demo_device_key(serial: str) -> str:
    """The demo key of a seeded device: HMAC-SHA256 of its serial under the published demo secret, in the
    same shape as ``devicekeys.new_key()`` (32 URL-safe characters). For ``yanglao simulate-devices``."""
    digest = hmac.new(DEMO_DEVICE_SECRET, serial.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


@dataclass
class _Person:
    elder: Elder
    devices: dict[str, Device] = field(default_factory=dict)
    contacts: list[tuple[int, str]] = field(default_factory=list)  # (position, phone)


@demo.step("alarms", needs=("people", "accounts"))
def seed_alarms(ctx: demo.SeedContext) -> None:
    """The alarm centre's month and today; idempotent (skipped when demo devices exist)."""
    if Device.objects.unscoped(reason="demo seed").filter(serial__startswith=SERIAL_PREFIX).exists():
        ctx.log("应急呼救：已有演示设备，跳过")
        return
    now = timezone.now()
    with transaction.atomic():
        operators = _operators(ctx)
        people = _devices(ctx, now)
        made = _history(ctx, people, operators, now)
        opened = _open_now(ctx, people, now)
        calls, tasks = _care(ctx, operators, now)
    devices = sum(len(p.devices) for p in people)
    ctx.stats.update({"devices": devices, "alarms": made, "care_calls": calls})
    ctx.log(
        f"应急呼救：{len(people)} 位独居老人的 {devices} 台设备（演示型号），近 {DAYS} 天已结案报警 {made} 起，"
        f"当前待处理 {opened} 起；主动关怀电话 {calls} 个，上门探视任务 {tasks} 个（演示数据）"
    )


def _operators(ctx: demo.SeedContext) -> list[User]:
    """The demo account ``operator`` and five colleagues who cannot sign in (their share of the work shows on
    the supervisors' pages)."""
    hotline = (
        Organisation.objects.unscoped(reason="demo seed")
        .filter(name="上海市徐汇区962899养老服务热线")
        .first()
    )
    group = (
        Group.objects.filter(name=Role.OPERATOR.label).first() or core_services.roles_sync()[Role.OPERATOR]
    )
    district = Region.objects.get(code=demo.XUHUI)
    staff = list(User.objects.filter(username="operator"))
    for n, name in enumerate(EXTRA_OPERATORS, start=1):
        user = User.objects.filter(username=f"operator{n}").first()
        if user is None:
            user = User(username=f"operator{n}", full_name=name, role=Role.OPERATOR, organisation=hotline)
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            user.regions.add(district)
        staff.append(user)
    return staff


def _devices(ctx: demo.SeedContext, now: dt.datetime) -> list[_Person]:
    rng = ctx.rng
    alone = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(
            region__gte=demo.XUHUI,
            region__lt="310105000000",
            status=ElderStatus.ACTIVE,
            living_arrangement="alone",
        )
        .order_by("pk")
    )
    chosen = sorted(rng.sample(alone, round(len(alone) * SHARE_WITH_DEVICES)), key=lambda e: e.pk)
    contacts: dict[int, list[tuple[int, str]]] = {}
    for contact in EmergencyContact.objects.filter(elder__in=chosen).order_by("elder_id", "position"):
        contacts.setdefault(contact.elder_id, []).append((contact.position, contact.phone))
    people, devices, serial = [], [], Counter[str]()
    for elder in chosen:
        person = _Person(elder=elder, contacts=contacts.get(elder.pk, []))
        kinds = []
        if rng.random() < 0.7:
            kinds.append(DeviceKind.WRISTBAND)
        if rng.random() < 0.55 or not kinds:
            kinds.append(DeviceKind.ONE_KEY)
        if rng.random() < 0.4:
            kinds.append(DeviceKind.DOOR)
        if rng.random() < 0.08:
            kinds.append(DeviceKind.SMOKE)
        for kind in kinds:
            letter, model, firmware, heartbeat, battery = DEVICE_SPECS[kind]
            serial[letter] += 1
            number = f"{SERIAL_PREFIX}{letter}{serial[letter]:06d}"
            offline = rng.random() < 0.03
            seen = now - dt.timedelta(
                seconds=rng.uniform(4 * heartbeat, 36 * 3600) if offline else rng.uniform(5, heartbeat)
            )
            device = Device(
                serial=number,
                kind=kind,
                elder=elder,
                region_id=elder.region_id,
                key_hash=key_hash(demo_device_key(number)),
                model_name=model,
                firmware=firmware if rng.random() < 0.85 else firmware.rsplit(".", 1)[0] + ".0",
                battery=(rng.choice([8, 12, 15, 18]) if rng.random() < 0.06 else rng.randint(35, 100))
                if battery
                else None,
                heartbeat_seconds=heartbeat,
                installed_on=(now - dt.timedelta(days=rng.randint(40, 900))).date(),
                last_seen_at=seen,
                last_activity_at=now - dt.timedelta(minutes=rng.randint(3, 600))
                if kind == DeviceKind.DOOR
                else None,
                online=not offline,
            )
            devices.append(device)
            person.devices[kind] = device
        people.append(person)
    Device.objects.bulk_create(devices, batch_size=2000)
    _health(ctx, chosen)
    _vitals(ctx, [p.devices[DeviceKind.WRISTBAND] for p in people if DeviceKind.WRISTBAND in p.devices], now)
    return people


def _health(ctx: demo.SeedContext, elders: list[Elder]) -> None:
    """Conditions and medicines for the caller's screen, where the registry has none (demo values)."""
    changed = []
    for elder in elders:
        if elder.chronic_conditions or elder.medicines:
            continue
        taken = ctx.rng.sample(MEDICINES, ctx.rng.choice([0, 1, 1, 2, 2, 3]))
        elder.medicines = "；".join(taken)
        elder.chronic_conditions = sorted({CONDITIONS[m] for m in taken})
        changed.append(elder)
    Elder.objects.unscoped(reason="demo seed").bulk_update(
        changed, ["medicines", "chronic_conditions"], batch_size=2000
    )


def _vitals(ctx: demo.SeedContext, bands: list[Device], now: dt.datetime) -> None:
    rows = []
    for band in bands:
        for n in range(4):
            at = now - dt.timedelta(minutes=90 * n + ctx.rng.randint(0, 60))
            rows.append(
                DeviceEvent(
                    device=band,
                    elder_id=band.elder_id,
                    region_id=band.region_id,
                    msg_id=f"demo-vitals-{n}",
                    type=EventType.VITALS,
                    device_time=at,
                    received_at=at + dt.timedelta(milliseconds=ctx.rng.randint(80, 900)),
                    values={"heart_rate": ctx.rng.randint(58, 96), "spo2": ctx.rng.randint(94, 99)},
                )
            )
    DeviceEvent.objects.bulk_create(rows, batch_size=2000)


def _claim_seconds(ctx: demo.SeedContext) -> float:
    """Mostly within a minute, some within three, a few later (the SLA report's figures come from these)."""
    draw = ctx.rng.random()
    if draw < 0.9:
        return ctx.rng.triangular(4, 60, 14)
    if draw < 0.975:
        return ctx.rng.uniform(60, 180)
    return ctx.rng.uniform(180, 540)


def _raised_at(ctx: demo.SeedContext, now: dt.datetime) -> dt.datetime:
    """A moment in the last 30 days, more often by day than at night."""
    day = timezone.localdate(now) - dt.timedelta(days=ctx.rng.randint(1, DAYS))
    hour = ctx.rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 5, 5, 5, 5, 6, 6, 6, 5, 4, 3, 2, 1]
    )[0]
    moment = dt.datetime.combine(day, dt.time(hour, ctx.rng.randint(0, 59), ctx.rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _history(ctx: demo.SeedContext, people: list[_Person], operators: list[User], now: dt.datetime) -> int:
    """The month's closed alarms with every timed step, their call records and the visits they sent."""
    rng = ctx.rng
    count = round(len(people) * 0.6)
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    alarms: list[Alarm] = []
    events: list[DeviceEvent | None] = []
    plans: list[tuple[Alarm, _Person, list[Step]]] = []
    for n in range(count):
        person = rng.choice(people)
        kind = rng.choices(kinds, weights=weights)[0]
        usable = [person.devices[k] for k in KIND_DEVICES[kind] if k in person.devices]
        if KIND_DEVICES[kind] and not usable:
            kind, usable = (
                AlarmKind.SOS,
                [d for k, d in person.devices.items() if k in KIND_DEVICES[AlarmKind.SOS]],
            )
        device = rng.choice(usable) if usable else None
        raised = _raised_at(ctx, now)
        claim = _claim_seconds(ctx)
        weight_rows = STORIES[kind]
        story = rng.choices(weight_rows, weights=[w for w, *_ in weight_rows])[0]
        _, outcome, outcome_note, steps = story
        operator = rng.choice(operators)
        wrist = device is not None and device.kind == DeviceKind.WRISTBAND and person.elder.lat is not None
        alarm = Alarm(
            elder=person.elder,
            region_id=person.elder.region_id,
            device=device,
            kind=kind,
            severity=SEVERITY[AlarmKind(kind)],
            message=MESSAGES[kind],
            lat=person.elder.lat if wrist else None,
            lng=person.elder.lng if wrist else None,
            raised_at=raised,
            status=AlarmStatus.CLOSED,
            claimed_by=operator,
            claimed_at=raised + dt.timedelta(seconds=claim),
            escalation_level=min(3, int(claim // 30)),
            escalated_at=raised + dt.timedelta(seconds=30) if claim >= 30 else None,
            closed_by=operator,
            outcome=outcome,
            outcome_note=outcome_note,
        )
        event = None
        if device is not None and kind in EVENT_OF:
            event = DeviceEvent(
                device=device,
                elder=person.elder,
                region_id=person.elder.region_id,
                msg_id=f"demo-alarm-{n}",
                type=EVENT_OF[kind],
                device_time=raised,
                received_at=raised + dt.timedelta(milliseconds=rng.randint(120, 900)),
                values={"heart_rate": rng.randint(132, 150)} if kind == AlarmKind.HEART_RATE_HIGH else {},
            )
        alarms.append(alarm)
        events.append(event)
        plans.append((alarm, person, steps))
    DeviceEvent.objects.bulk_create([e for e in events if e is not None], batch_size=2000)
    for alarm, event in zip(alarms, events, strict=True):
        alarm.event = event
    actions, records, visits = _steps(ctx, plans)
    Alarm.objects.bulk_create(alarms, batch_size=2000)
    for event, alarm in zip(events, alarms, strict=True):
        if event is not None:
            event.alarm = alarm
    DeviceEvent.objects.unscoped(reason="demo seed").bulk_update(
        [e for e in events if e is not None], ["alarm"], batch_size=2000
    )
    VisitTask.objects.bulk_create([task for _, task in visits], batch_size=2000)
    for action, task in visits:
        action.visit_task = task
    for action in actions:
        action.alarm_id = action.alarm.pk
    AlarmAction.objects.bulk_create(actions, batch_size=2000)
    for record in records:
        record.alarm_id = record.alarm.pk if record.alarm else None
    CallRecord.objects.bulk_create(records + _walk_ins(ctx, people, operators, now), batch_size=2000)
    return len(alarms)


def _steps(
    ctx: demo.SeedContext, plans: list[tuple[Alarm, _Person, list[Step]]]
) -> tuple[list[AlarmAction], list[CallRecord], list[tuple[AlarmAction, VisitTask]]]:
    rng = ctx.rng
    actions: list[AlarmAction] = []
    records: list[CallRecord] = []
    visits: list[tuple[AlarmAction, VisitTask]] = []
    for n, (alarm, person, steps) in enumerate(plans):
        region = alarm.region_id
        for level in range(1, alarm.escalation_level + 1):
            actions.append(
                AlarmAction(
                    alarm=alarm,
                    region_id=region,
                    kind=ActionKind.ESCALATE,
                    at=alarm.raised_at + dt.timedelta(seconds=30 * level),
                    note=f"超过 {30 * level} 秒未接警，已提醒值班长",
                )
            )
        at = alarm.claimed_at
        assert at is not None
        actions.append(
            AlarmAction(
                alarm=alarm, region_id=region, kind=ActionKind.CLAIM, actor_id=alarm.claimed_by_id, at=at
            )
        )
        if alarm.kind == AlarmKind.CALL:
            ring = alarm.raised_at
            records.append(
                CallRecord(
                    external_id=f"demo-in-{n}",
                    direction=CallDirection.INCOMING,
                    number=person.elder.phone,
                    number_hash=blind_index(person.elder.phone) if person.elder.phone else "",
                    elder=person.elder,
                    region_id=region,
                    operator_id=alarm.claimed_by_id,
                    alarm=alarm,
                    ringing_at=ring,
                    answered_at=at,
                    ended_at=at + dt.timedelta(seconds=rng.randint(60, 300)),
                )
            )
        for kind, position, result, note in steps:
            if kind == "call_contact" and not any(p == position for p, _ in person.contacts):
                kind, position, result, note = "note", None, "", "未登记该顺序的紧急联系人"
            at += dt.timedelta(seconds=rng.randint(20, 150))
            action = AlarmAction(
                alarm=alarm,
                region_id=region,
                kind=kind,
                actor_id=alarm.claimed_by_id,
                at=at,
                contact_position=position,
                result=result,
                note=note,
            )
            actions.append(action)
            if kind in ("call_person", "call_contact"):
                number = (
                    person.elder.phone
                    if kind == "call_person"
                    else next(phone for p, phone in person.contacts if p == position)
                )
                talked = rng.randint(40, 240) if result == CallResult.ANSWERED else 0
                records.append(
                    CallRecord(
                        external_id=f"demo-out-{n}-{len(actions)}",
                        direction=CallDirection.OUTGOING,
                        number=number or "",
                        number_hash=blind_index(number) if number else "",
                        elder=person.elder,
                        region_id=region,
                        operator_id=alarm.claimed_by_id,
                        alarm=alarm,
                        ringing_at=at - dt.timedelta(seconds=talked + rng.randint(5, 25)),
                        answered_at=at - dt.timedelta(seconds=talked) if talked else None,
                        ended_at=at,
                    )
                )
            if kind == "dispatch_community":
                visits.append(
                    (
                        action,
                        VisitTask(
                            elder=person.elder,
                            region_id=region,
                            reason=VisitReason.ALARM,
                            alarm=alarm,
                            note=note,
                            created_at=at,
                            created_by_id=alarm.claimed_by_id,
                            status=VisitTaskStatus.CLOSED,
                            closed_at=at + dt.timedelta(minutes=rng.randint(25, 90)),
                            result=rng.choice(
                                ["已上门，老人安好", "已上门，协助老人起身并通知家属", "已上门，家属已到场"]
                            ),
                        ),
                    )
                )
        at += dt.timedelta(seconds=rng.randint(30, 600))
        alarm.closed_at = at
        actions.append(
            AlarmAction(
                alarm=alarm,
                region_id=region,
                kind=ActionKind.CLOSE,
                actor_id=alarm.closed_by_id,
                at=at,
                note=alarm.outcome_note,
            )
        )
    return actions, records, visits


def _walk_ins(
    ctx: demo.SeedContext, people: list[_Person], operators: list[User], now: dt.datetime
) -> list[CallRecord]:
    """Incoming calls that raised no alarm (questions, greetings), a few abandoned while ringing."""
    rng, rows = ctx.rng, []
    for n in range(round(len(people) * 0.8)):
        person = rng.choice(people)
        ring = _raised_at(ctx, now)
        abandoned = rng.random() < 0.04
        wait = rng.uniform(3, 25) if not abandoned else rng.uniform(20, 70)
        answered = None if abandoned else ring + dt.timedelta(seconds=wait)
        rows.append(
            CallRecord(
                external_id=f"demo-call-{n}",
                direction=CallDirection.INCOMING,
                number=person.elder.phone,
                number_hash=blind_index(person.elder.phone) if person.elder.phone else "",
                elder=person.elder,
                region_id=person.elder.region_id,
                operator=None if abandoned else rng.choice(operators),
                ringing_at=ring,
                answered_at=answered,
                ended_at=(answered or ring)
                + dt.timedelta(seconds=wait if abandoned else rng.randint(45, 400)),
                abandoned=abandoned,
                note="" if abandoned else rng.choice(["咨询助餐", "咨询上门服务", "问候", "咨询补贴政策"]),
            )
        )
    return rows


def _open_now(ctx: demo.SeedContext, people: list[_Person], now: dt.datetime) -> int:
    """An SOS and a fall waiting for an operator in 天平路街道, and a low battery from the morning."""
    tianping = [p for p in people if p.elder.region_id.startswith("310104003")] or people
    bands = [p for p in tianping if DeviceKind.WRISTBAND in p.devices]
    batteries = [p for p in tianping if DeviceKind.DOOR in p.devices] or bands
    if not bands:
        return 0
    opened = 0
    for person, kind, ago, device_kind in (
        (bands[0], AlarmKind.SOS, 50, DeviceKind.WRISTBAND),
        (bands[min(1, len(bands) - 1)], AlarmKind.FALL, 15, DeviceKind.WRISTBAND),
        (batteries[-1], AlarmKind.LOW_BATTERY, 3 * 3600, DeviceKind.DOOR),
    ):
        device = person.devices.get(device_kind) or next(iter(person.devices.values()))
        at = now - dt.timedelta(seconds=ago)
        if kind == AlarmKind.LOW_BATTERY:
            Device.objects.unscoped(reason="demo seed").filter(pk=device.pk).update(battery=11)
        event = DeviceEvent.objects.create(
            device=device,
            elder=person.elder,
            region_id=person.elder.region_id,
            msg_id=f"demo-open-{kind}",
            type=EVENT_OF[kind],
            device_time=at,
            received_at=at + dt.timedelta(milliseconds=300),
            values={"battery": 11} if kind == AlarmKind.LOW_BATTERY else {},
        )
        wrist = device.kind == DeviceKind.WRISTBAND
        alarm, created = alarm_raise(
            elder=person.elder,
            kind=kind,
            at=at,
            device=device,
            event=event,
            message=MESSAGES[kind],
            lat=person.elder.lat if wrist else None,
            lng=person.elder.lng if wrist else None,
        )
        DeviceEvent.objects.unscoped(reason="demo seed").filter(pk=event.pk).update(alarm=alarm)
        opened += created
    return opened


# ---------------------------------------------------------------- proactive care


def _care(ctx: demo.SeedContext, operators: list[User], now: dt.datetime) -> tuple[int, int]:
    """Four weeks of care calls (about one in eight missed, never three in a row by chance), the visits that
    three missed calls opened (some still open, some closed), then today's list and part of it done."""
    rng = ctx.rng
    today = timezone.localdate(now)
    in_groups = Q(**groups.BY_CODE["living_alone"].lookups(today)) | Q(
        **groups.BY_CODE["oldest_old"].lookups(today)
    )
    people = list(
        Elder.objects.unscoped(reason="demo seed")
        .filter(region__gte=demo.XUHUI, region__lt="310105000000", status=ElderStatus.ACTIVE)
        .filter(in_groups)
        .order_by("pk")
        .values_list("pk", "region_id")
    )
    history: dict[int, list[CareCall]] = {}
    turn = 0
    for pk, region in people:
        phase = rng.randrange(7)
        days = sorted((phase + 7 * k for k in range(5) if 1 <= phase + 7 * k <= 28), reverse=True)
        calls: list[CareCall] = []
        for days_ago in days:
            day = today - dt.timedelta(days=days_ago)
            missed = rng.random() < 0.12 and not (
                len(calls) >= 2 and all(c.status == CareCallStatus.MISSED for c in calls[-2:])
            )
            turn += 1
            calls.append(
                CareCall(
                    elder_id=pk,
                    region_id=region,
                    due_on=day,
                    operator=operators[turn % len(operators)],
                    status=CareCallStatus.MISSED if missed else CareCallStatus.DONE,
                    result=rng.choice(
                        [CallResult.NO_ANSWER, CallResult.NO_ANSWER, CallResult.BUSY, CallResult.UNREACHABLE]
                    )
                    if missed
                    else CallResult.ANSWERED,
                    called_at=timezone.make_aware(
                        dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.randint(0, 59)))
                    ),
                    note="" if missed else rng.choice(CARE_NOTES),
                )
            )
        history[pk] = calls
    tasks = _missed_visits(ctx, history, people, now)
    CareCall.objects.bulk_create([c for calls in history.values() for c in calls], batch_size=5000)
    VisitTask.objects.bulk_create(tasks, batch_size=2000)
    made = care.care_calls_generate(day=today)["created"]
    _some_done(ctx, history, operators, now)
    return sum(len(c) for c in history.values()) + made, len(tasks)


def _missed_visits(
    ctx: demo.SeedContext, history: dict[int, list[CareCall]], people: list[tuple[int, str]], now: dt.datetime
) -> list[VisitTask]:
    """A few people whose last three calls were missed (an open visit task each), and a few whose three
    missed calls were answered by a visit that is now closed (the calls after it answered)."""
    rng = ctx.rng
    regions = dict(people)
    candidates = [pk for pk, calls in history.items() if len(calls) >= 4]
    chosen = rng.sample(candidates, min(len(candidates), max(5, round(100 * ctx.scale))))
    still_open = chosen[: max(3, len(chosen) * 3 // 5)]
    tasks = []
    for pk in chosen:
        calls = history[pk]
        missed = calls[-3:] if pk in still_open else calls[-4:-1]
        for call in missed:
            call.status, call.result, call.note = CareCallStatus.MISSED, CallResult.NO_ANSWER, ""
        third = missed[-1].called_at
        assert third is not None
        task = VisitTask(
            elder_id=pk,
            region_id=regions[pk],
            reason=VisitReason.MISSED_CARE_CALLS,
            note="主动关怀电话连续 3 次未接通，请社区上门探视",
            created_at=third,
            created_by_id=missed[-1].operator_id,
        )
        if pk not in still_open:
            after = calls[-1]
            after.status, after.result = CareCallStatus.DONE, CallResult.ANSWERED
            after.note = after.note or "社区上门后已接通，老人安好"
            task.status = VisitTaskStatus.CLOSED
            task.closed_at = third + dt.timedelta(hours=rng.randint(3, 30))
            task.result = rng.choice(
                [
                    "已上门，老人电话欠费停机，已协助缴费",
                    "已上门，老人住院，已联系家属",
                    "已上门，老人耳背未听见电话，身体好",
                ]
            )
        tasks.append(task)
    return tasks


def _some_done(
    ctx: demo.SeedContext, history: dict[int, list[CareCall]], operators: list[User], now: dt.datetime
) -> None:
    """About a third of each operator's calls today already made (the morning's work)."""
    rng = ctx.rng
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    today = list(
        CareCall.objects.unscoped(reason="demo seed")
        .filter(due_on=timezone.localdate(now), status=CareCallStatus.DUE, operator__in=operators)
        .order_by("pk")
    )
    done = []
    for call in today:
        if rng.random() > 0.35:
            continue
        past = history.get(call.elder_id, [])
        may_miss = not past or past[-1].status == CareCallStatus.DONE
        missed = may_miss and rng.random() < 0.15
        call.status = CareCallStatus.MISSED if missed else CareCallStatus.DONE
        call.result = CallResult.BUSY if missed else CallResult.ANSWERED
        call.note = "" if missed else rng.choice(CARE_NOTES)
        call.called_at = max(start, now - dt.timedelta(minutes=rng.randint(5, 240)))
        done.append(call)
    CareCall.objects.unscoped(reason="demo seed").bulk_update(
        done, ["status", "result", "note", "called_at"], batch_size=2000
    )
