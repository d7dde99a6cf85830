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


class InvalidSettlement(DomainError):
    """A settlement step refused: wrong state, same person as the maker, a locked month, bad input."""

    code = "services.settlement_wrong_state"
    message = "结算单当前状态不允许此操作"


class SettlementLocked(InvalidSettlement):
    code = "services.settlement_locked"
    message = "该月结算已批准并锁定，不能再修改；如需更正，请在下一个未锁定月份调整"


class InvalidQualitySetting(DomainError):
    code = "services.invalid_quality_setting"
    message = "服务质量监控设置有误"


class InvalidAlertHandling(DomainError):
    code = "services.invalid_alert_handling"
    message = "不能处理该异常"


class InvalidFollowUp(DomainError):
    code = "services.invalid_follow_up"
    message = "回访记录有误"


class InvalidComplaint(DomainError):
    code = "services.invalid_complaint"
    message = "不能办理该投诉"
