"""Refusals of the alarm centre; ``message`` is what users read, ``code`` names the condition."""

from yanglao.core.errors import DomainError


class DeviceRejected(DomainError):
    """A device message that is not taken (unknown device, wrong key, malformed payload). The ingester counts
    and logs it and goes on; the HTTP endpoint answers 4xx with this."""

    code = "alarms.device_rejected"
    message = "设备消息未受理"


class DeviceUnauthorised(DeviceRejected):
    """Unknown device or wrong key: one answer for both, so nobody learns which device ids exist."""

    code = "alarms.device_unauthorised"
    message = "设备编号或密钥无效"
    status = 401


class DeviceInactive(DeviceRejected):
    code = "alarms.device_inactive"
    message = "该设备已停用（遗失、更换或退还），消息未受理"


class DeviceThrottled(DeviceRejected):
    """A device sending far more than any device should (a broken one): held back, emergencies excepted."""

    code = "alarms.device_throttled"
    message = "设备消息过于频繁，请稍后再发"
    status = 429


class MessageMalformed(DeviceRejected):
    code = "alarms.message_malformed"
    message = "设备消息格式有误"


class InvalidDevice(DomainError):
    code = "alarms.invalid_device"
    message = "设备信息有误"


class InvalidCareCall(DomainError):
    """A proactive care call (主动关怀) whose outcome cannot be recorded as given."""

    code = "alarms.invalid_care_call"
    message = "关怀电话记录有误"


class InvalidCarePlan(DomainError):
    code = "alarms.invalid_care_plan"
    message = "主动关怀计划有误"


class VisitTaskRefused(DomainError):
    code = "alarms.visit_task_refused"
    message = "该上门探视任务当前不能执行此操作"


class AlarmRefused(DomainError):
    code = "alarms.alarm_refused"
    message = "该报警当前不能执行此操作"


class InvalidRule(DomainError):
    code = "alarms.invalid_rule"
    message = "报警规则有误"


class InvalidCall(DomainError):
    code = "alarms.invalid_call"
    message = "通话记录有误"
