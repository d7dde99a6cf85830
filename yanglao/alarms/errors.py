"""Refusals of the alarm centre; ``message`` is what users read, ``code`` names the condition."""

from yanglao.core.errors import DomainError


class DeviceRejected(DomainError):
    """A device message that is not taken (unknown device, wrong key, malformed payload). The ingester counts
    and logs it and goes on; the HTTP endpoint answers 4xx with this."""

    code = "alarms.device_rejected"
    message = "设备消息未受理"


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
