"""Emergency alarm centre (应急呼救): devices bound to people, the messages they send, the alarms those raise
and what operators did about each, incoming calls, alarm rules as data, and proactive care calls
(主动关怀) with the community visit tasks that three missed calls create."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yanglao.alarms.choices import (
    ActionKind,
    AlarmKind,
    AlarmStatus,
    CallDirection,
    CallResult,
    CareCallStatus,
    CareGroup,
    DeviceKind,
    DeviceStatus,
    EventType,
    Outcome,
    RuleKind,
    Severity,
    VisitReason,
    VisitTaskStatus,
)
from yanglao.core.crypto import EncryptedTextField
from yanglao.core.models import Organisation, Region
from yanglao.core.scoping import ScopedModel
from yanglao.people.models import Elder


def _region(verbose: str = "所属社区", **extra) -> models.ForeignKey:
    return models.ForeignKey(
        Region,
        verbose_name=verbose,
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
        **extra,
    )


def _user(verbose: str, **extra) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **extra,
    )


class Device(ScopedModel):
    """A terminal or sensor at a person's home. ``serial`` is the id devices send (the MQTT topic's
    ``{device_id}``); the key is stored only as its SHA-256. A lost, replaced or returned device keeps its row,
    its messages and its alarms: the status changes, the history stays. The maintaining provider (运维机构)
    sees and handles its own devices (``scope_organisation_field``)."""

    scope_organisation_field = "provider"

    serial = models.CharField("设备编号", max_length=40, unique=True)
    kind = models.CharField("设备类型", max_length=16, choices=DeviceKind.choices)
    elder = models.ForeignKey(
        Elder, verbose_name="使用老人", on_delete=models.PROTECT, related_name="devices"
    )
    region = _region()
    provider = models.ForeignKey(
        Organisation,
        verbose_name="运维机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    key_hash = models.CharField("设备密钥摘要", max_length=64, editable=False)
    model_name = models.CharField("型号", max_length=60, blank=True)
    firmware = models.CharField("固件版本", max_length=40, blank=True)
    battery = models.PositiveSmallIntegerField("电量（%）", null=True, blank=True)
    heartbeat_seconds = models.PositiveIntegerField("心跳间隔（秒）", default=300)
    installed_on = models.DateField("安装日期", null=True, blank=True)
    last_seen_at = models.DateTimeField("最近在线", null=True, blank=True)
    last_activity_at = models.DateTimeField("最近活动", null=True, blank=True)  # door/motion sensors
    online = models.BooleanField("在线", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="更换为",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    flagged = models.CharField(
        "异常标记", max_length=60, blank=True
    )  # e.g. a flood of messages, a wrong clock
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "智能设备"
        permissions = [("manage_device", "设备登记与变更"), ("import_device", "批量登记设备")]
        indexes = [
            models.Index(fields=["region", "kind", "serial"], name="device_region_kind"),
            models.Index(fields=["elder", "status"], name="device_elder_status"),
            # No index holds last_seen_at, battery or online: every message moves them, and an indexed
            # column would turn each of those updates into ten index insertions instead of a HOT update
            # (docs/decisions.md, 57). The offline watch scans once a minute instead.
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class DeviceEvent(ScopedModel):
    """An accepted device message other than a heartbeat (heartbeats only move ``Device.last_seen_at``).
    Unique on (device, msg_id): a message delivered twice (QoS 1 redelivery, a retried POST) is one row."""

    device = models.ForeignKey(Device, verbose_name="设备", on_delete=models.PROTECT, related_name="events")
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = _region()
    msg_id = models.CharField("消息编号", max_length=64)
    type = models.CharField("消息类型", max_length=12, choices=EventType.choices)
    device_time = models.DateTimeField("设备时间")
    received_at = models.DateTimeField("接收时间")
    values = models.JSONField("数据", default=dict, blank=True)
    flags = models.CharField("标记", max_length=60, blank=True)  # clock, late, flood
    alarm = models.ForeignKey(
        "Alarm", verbose_name="报警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "设备消息"
        constraints = [models.UniqueConstraint(fields=["device", "msg_id"], name="device_event_msg")]
        indexes = [
            models.Index(fields=["device", "-received_at"], name="device_event_recent"),
            models.Index(fields=["region", "-received_at"], name="device_event_region"),
        ]


class Alarm(ScopedModel):
    """One alarm from raising to closing. While it is open, the same device's repeats of the same kind add to
    ``repeats`` instead of making a second alarm (a database constraint holds it)."""

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="alarms")
    region = _region()
    device = models.ForeignKey(
        Device, verbose_name="设备", null=True, blank=True, on_delete=models.PROTECT, related_name="alarms"
    )
    event = models.ForeignKey(
        DeviceEvent,
        verbose_name="触发消息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("报警类型", max_length=12, choices=AlarmKind.choices)
    severity = models.PositiveSmallIntegerField("级别", choices=Severity.choices)
    message = models.CharField("说明", max_length=300, blank=True)
    lat = models.FloatField("报警位置纬度", null=True, blank=True)  # a wristband's position, WGS-84
    lng = models.FloatField("报警位置经度", null=True, blank=True)
    raised_at = models.DateTimeField("报警时间", db_index=True)
    repeats = models.PositiveIntegerField("重复次数", default=0)
    last_repeat_at = models.DateTimeField("最近重复", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=AlarmStatus.choices, default=AlarmStatus.OPEN)
    claimed_by = _user("接警坐席")
    claimed_at = models.DateTimeField("接警时间", null=True, blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级次数", default=0)
    closed_by = _user("结案人")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    outcome = models.CharField("处置结果", max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField("结案说明", max_length=500, blank=True)
    service_order = models.ForeignKey(
        "services.ServiceOrder",
        verbose_name="派单工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "报警"
        permissions = [
            ("handle_alarm", "接警处置"),
            ("supervise_alarm", "报警督办（超时升级）"),
            ("view_alarm_sla", "查看接警服务水平报表"),
            ("export_alarm_sla", "导出接警服务水平报表"),
        ]
        indexes = [
            models.Index(fields=["status", "severity", "raised_at"], name="alarm_open_queue"),
            models.Index(fields=["region", "-raised_at"], name="alarm_region_time"),
            models.Index(fields=["elder", "-raised_at"], name="alarm_elder_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=Q(device__isnull=False) & ~Q(status="closed"),
                name="alarm_one_open_per_device_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class AlarmAction(ScopedModel):
    """One timed step on an alarm (claim, each call and its result, a dispatch, a 120 call, a note, closing):
    the timeline operators read and the SLA report counts."""

    alarm = models.ForeignKey(Alarm, verbose_name="报警", on_delete=models.CASCADE, related_name="actions")
    region = _region()
    kind = models.CharField("操作", max_length=20, choices=ActionKind.choices)
    actor = _user("操作人")  # empty for the system's own steps (escalation)
    at = models.DateTimeField("时间")
    contact_position = models.PositiveSmallIntegerField("联系人顺序", null=True, blank=True)
    result = models.CharField("呼叫结果", max_length=12, choices=CallResult.choices, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    service_order = models.ForeignKey(
        "services.ServiceOrder",
        verbose_name="工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visit_task = models.ForeignKey(
        "VisitTask",
        verbose_name="上门任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "报警处置记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["alarm", "at"], name="alarm_action_time")]


class AlarmRule(models.Model):
    """A threshold, a duration and an active window for one kind of watch, for a region (the row without a
    region or person is the shipped default) or for one person (silence periods, own thresholds)."""

    kind = models.CharField("规则类型", max_length=20, choices=RuleKind.choices)
    region = _region("适用区划", null=True, blank=True)
    elder = models.ForeignKey(
        Elder, verbose_name="适用老人", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    threshold = models.FloatField("阈值", null=True, blank=True)
    duration_seconds = models.PositiveIntegerField("持续时间（秒）", default=0)
    active_from = models.TimeField("生效时段起", null=True, blank=True)
    active_to = models.TimeField("生效时段止", null=True, blank=True)
    silence_until = models.DateTimeField("静默至", null=True, blank=True)
    enabled = models.BooleanField("启用", default=True)
    is_default = models.BooleanField("系统默认值", default=True)
    updated_by = _user("修改人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "报警规则"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(region__isnull=True, elder__isnull=True),
                name="alarm_rule_default",
            ),
            models.UniqueConstraint(
                fields=["kind", "region"], condition=Q(elder__isnull=True), name="alarm_rule_region"
            ),
            models.UniqueConstraint(fields=["kind", "elder"], name="alarm_rule_elder"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class CallRecord(ScopedModel):
    """One telephone call of the centre: an incoming call popped to an operator (matched to a person by the
    caller's number) or an operator's outgoing call. Waiting, talking and abandoned time come from its times."""

    external_id = models.CharField("话单编号", max_length=64, unique=True)
    direction = models.CharField("方向", max_length=3, choices=CallDirection.choices)
    number = EncryptedTextField("号码")
    number_hash = models.CharField(max_length=32, db_index=True)
    elder = models.ForeignKey(
        Elder, verbose_name="老人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = _region()  # the person's community, or the answering operator's region when nobody matched
    operator = _user("坐席")
    alarm = models.ForeignKey(
        Alarm, verbose_name="报警", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    ringing_at = models.DateTimeField("振铃时间")
    answered_at = models.DateTimeField("接听时间", null=True, blank=True)
    ended_at = models.DateTimeField("挂断时间", null=True, blank=True)
    abandoned = models.BooleanField("呼损（未接听挂断）", default=False)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通话记录"
        indexes = [models.Index(fields=["region", "-ringing_at"], name="call_region_time")]


class CareCallPlan(models.Model):
    """How often the centre calls a group (主动关怀): weekly by default; a district may set its own."""

    group = models.CharField("关怀对象", max_length=16, choices=CareGroup.choices)
    region = _region("适用区划", null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField("间隔（天）", default=7)
    active = models.BooleanField("启用", default=True)
    is_default = models.BooleanField("系统默认值", default=True)
    updated_by = _user("修改人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "主动关怀计划"
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(region__isnull=True), name="care_plan_default"
            ),
            models.UniqueConstraint(fields=["group", "region"], name="care_plan_region"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} 每{self.interval_days}天"


class CareCall(ScopedModel):
    """One proactive greeting call due on a day, with its outcome."""

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = _region()
    due_on = models.DateField("应拨日期")
    operator = _user("坐席")
    status = models.CharField(
        "状态", max_length=8, choices=CareCallStatus.choices, default=CareCallStatus.DUE
    )
    result = models.CharField("呼叫结果", max_length=12, choices=CallResult.choices, blank=True)
    called_at = models.DateTimeField("拨打时间", null=True, blank=True)
    note = models.CharField("关怀记录", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主动关怀电话"
        constraints = [models.UniqueConstraint(fields=["elder", "due_on"], name="care_call_day")]
        indexes = [models.Index(fields=["due_on", "status", "region"], name="care_call_due")]


class VisitTask(ScopedModel):
    """A visit the community must make (上门探视): after three missed care calls in a row, or sent from an
    alarm. The community worker closes it with what they found."""

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = _region()
    reason = models.CharField("原因", max_length=16, choices=VisitReason.choices)
    alarm = models.ForeignKey(
        Alarm, verbose_name="报警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("派发时间")
    created_by = _user("派发人")
    status = models.CharField(
        "状态", max_length=8, choices=VisitTaskStatus.choices, default=VisitTaskStatus.OPEN
    )
    closed_by = _user("完成人")
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.CharField("上门情况", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "上门探视任务"
        permissions = [("close_visittask", "完成上门探视任务")]
        indexes = [models.Index(fields=["region", "status", "created_at"], name="visit_task_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "reason"],
                condition=Q(status="open", reason="missed_calls"),
                name="visit_task_one_open_missed",
            )
        ]


class SlaTarget(models.Model):
    """A region's own answer-time targets for the SLA report (接警服务水平). Without a row for the region or
    a region above it the report uses the shipped defaults of ``alarms/sla.py``, shown as 系统默认值: no
    Chinese standard gives an answer time (research: UNCONFIRMED), so those are the UK TSA code's (97.5 %
    within 60 s, 99 % within 180 s) and European practice's (98.5 % within 60 s), named as such."""

    region = _region("适用区划")
    within_60 = models.DecimalField("60 秒内接警率目标（%）", max_digits=5, decimal_places=2)
    within_180 = models.DecimalField("180 秒内接警率目标（%）", max_digits=5, decimal_places=2)
    strict_60 = models.DecimalField("60 秒内接警率高标准（%）", max_digits=5, decimal_places=2)
    updated_by = _user("修改人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "接警服务水平目标"
        constraints = [models.UniqueConstraint(fields=["region"], name="sla_target_region")]

    def __str__(self) -> str:
        return f"接警服务水平目标 {self.region_id}"


class IngestStat(models.Model):
    """Counters of device messages per minute and path, written by each ingester per batch: what
    ``yanglao alarm-stats`` prints. No device ids or payloads: only counts."""

    minute = models.DateTimeField("分钟")
    path = models.CharField("通道", max_length=4)  # mqtt | http
    received = models.PositiveBigIntegerField(default=0)
    accepted = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    flagged = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "设备消息统计"
        constraints = [models.UniqueConstraint(fields=["minute", "path"], name="ingest_stat_minute")]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.path}"
