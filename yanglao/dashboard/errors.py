"""The cockpit's refusals, one code per condition (core.errors)."""

from yanglao.core.errors import DomainError


class TargetRefused(DomainError):
    code = "dashboard.target_refused"
    message = "规划目标未能保存"


class PeriodRefused(DomainError):
    code = "dashboard.period_refused"
    message = "统计期无效"
