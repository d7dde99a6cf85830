"""Refusals of the LTC module; ``message`` is what users read, ``code`` names the condition."""

from yanglao.core.errors import DomainError


class InvalidLtcApplication(DomainError):
    code = "ltc.invalid_application"
    message = "长护险申请有误"


class InvalidCarePlan(DomainError):
    code = "ltc.invalid_plan"
    message = "照护计划有误"


class InvalidLtcSettlement(DomainError):
    code = "ltc.invalid_settlement"
    message = "不能办理该长护险结算单"


class LtcSettlementLocked(InvalidLtcSettlement):
    code = "ltc.settlement_locked"
    message = "该结算单已审核锁定，不能修改"
