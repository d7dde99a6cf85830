"""Refusals of the services module; ``message`` is what users read, ``code`` names the condition."""

from yanglao.core.errors import DomainError


class InvalidRule(DomainError):
    code = "services.invalid_rule"
    message = "签到规则有误"


class InvalidOffering(DomainError):
    code = "services.invalid_offering"
    message = "服务项目信息有误"


class InvalidOrder(DomainError):
    code = "services.invalid_order"
    message = "不能下单"
