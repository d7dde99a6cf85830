"""Fixed vocabularies of the alarm centre, with the Chinese terms operators use."""

from django.db import models


class DeviceKind(models.TextChoices):
    ONE_KEY = "one_key", "一键通"
    WRISTBAND = "wristband", "智能手环"
    FALL_DETECTOR = "fall_detector", "跌倒监测器"
    SMOKE = "smoke", "烟感报警器"
    GAS = "gas", "燃气报警器"
    WATER = "water", "水浸报警器"
    DOOR = "door", "门磁"
    MOTION = "motion", "人体/床垫感应器"


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", "在用"
    LOST = "lost", "遗失"
    REPLACED = "replaced", "已更换"
    RETURNED = "returned", "已退还"


class EventType(models.TextChoices):
    """The ``type`` of a device message (the MQTT payload and the HTTP body say the same)."""

    SOS = "sos", "紧急呼救"
    SERVICE = "service", "服务请求"  # the one-key terminal's green button
    FALL = "fall", "跌倒"
    VITALS = "vitals", "体征数据"
    HEARTBEAT = "heartbeat", "心跳"
    LOW_BATTERY = "low_battery", "电量低"
    SMOKE = "smoke", "烟雾"
    GAS = "gas", "燃气泄漏"
    WATER = "water", "水浸"
    DOOR = "door", "门磁开合"
    MOTION = "motion", "活动"
    NO_MOTION = "no_motion", "长时间无活动"
    GEOFENCE = "geofence", "越出电子围栏"


class AlarmKind(models.TextChoices):
    SOS = "sos", "紧急呼救"
    FALL = "fall", "跌倒报警"
    SERVICE = "service", "服务请求"
    HEART_RATE_HIGH = "hr_high", "心率过高"
    HEART_RATE_LOW = "hr_low", "心率过低"
    SPO2_LOW = "spo2_low", "血氧过低"
    SMOKE = "smoke", "烟雾报警"
    GAS = "gas", "燃气报警"
    WATER = "water", "水浸报警"
    NO_ACTIVITY = "no_activity", "长时间无活动"
    GEOFENCE = "geofence", "越出电子围栏"
    OFFLINE = "offline", "设备离线"
    LOW_BATTERY = "low_battery", "设备电量低"
    CALL = "call", "来电求助"


class Severity(models.IntegerChoices):
    """Lower is more urgent: the console sorts by it, then by age."""

    CRITICAL = 1, "紧急"
    HIGH = 2, "重要"
    NORMAL = 3, "一般"
    LOW = 4, "提示"


class AlarmStatus(models.TextChoices):
    OPEN = "open", "待接警"
    CLAIMED = "claimed", "处置中"
    CLOSED = "closed", "已结案"


class Outcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", "误报"
    RESOLVED_HOME = "resolved_home", "居家处置完毕"
    HOSPITAL = "hospital", "送医"
    SERVICE_DONE = "service_done", "服务需求已派单"
    DEVICE_FAULT = "device_fault", "设备故障"
    NO_CONTACT = "no_contact", "无法联系，已转社区上门"
    DIED = "died", "死亡"
    OTHER = "other", "其他"


class ActionKind(models.TextChoices):
    CLAIM = "claim", "接警"
    ESCALATE = "escalate", "超时升级"
    CALL_PERSON = "call_person", "呼叫老人"
    CALL_CONTACT = "call_contact", "呼叫紧急联系人"
    REVEAL = "reveal", "查看联系人电话"
    DISPATCH_COMMUNITY = "dispatch_community", "派社区工作人员上门"
    DISPATCH_PROVIDER = "dispatch_provider", "派服务机构上门"
    CALL_120 = "call_120", "拨打120"
    CALL_110 = "call_110", "拨打110"
    CALL_119 = "call_119", "拨打119"
    NOTE = "note", "备注"
    CLOSE = "close", "结案"


class CallResult(models.TextChoices):
    ANSWERED = "answered", "已接通"
    NO_ANSWER = "no_answer", "无人接听"
    BUSY = "busy", "占线"
    UNREACHABLE = "unreachable", "无法接通"


class RuleKind(models.TextChoices):
    """What an alarm rule watches. Thresholds and durations are data (``AlarmRule``); the shipped values are
    labelled defaults (decision in docs/decisions.md)."""

    HEART_RATE_HIGH = "hr_high", "心率过高"
    HEART_RATE_LOW = "hr_low", "心率过低"
    SPO2_LOW = "spo2_low", "血氧过低"
    HEARTBEAT_MISSED = "heartbeat_missed", "心跳中断（设备离线）"
    NO_ACTIVITY = "no_activity", "长时间无活动"
    LOW_BATTERY = "low_battery", "电量低"
    GEOFENCE = "geofence", "电子围栏"


class CallDirection(models.TextChoices):
    INCOMING = "in", "呼入"
    OUTGOING = "out", "呼出"


class CareCallStatus(models.TextChoices):
    DUE = "due", "待拨打"
    DONE = "done", "已关怀"
    MISSED = "missed", "未接通"


class CareGroup(models.TextChoices):
    LIVING_ALONE = "living_alone", "独居老人"
    VERY_OLD = "very_old", "高龄老人（80周岁及以上）"


class VisitTaskStatus(models.TextChoices):
    OPEN = "open", "待上门"
    CLOSED = "closed", "已完成"


class VisitReason(models.TextChoices):
    MISSED_CARE_CALLS = "missed_calls", "主动关怀连续未接通"
    ALARM = "alarm", "紧急呼救派单"
