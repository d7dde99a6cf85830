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


class AlarmRefused(DomainError):
    code = "alarms.alarm_refused"
    message = "该报警当前不能执行此操作"


class InvalidRule(DomainError):
    code = "alarms.invalid_rule"
    message = "报警规则有误"


class InvalidCall(DomainError):
    code = "alarms.invalid_call"
    message = "通话记录有误"
