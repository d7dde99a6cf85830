"""Refusals of the benefits module; ``message`` is what users read, ``code`` names the condition."""

from yanglao.core.errors import DomainError


class InvalidPolicy(DomainError):
    code = "benefits.invalid_policy"
    message = "补贴政策有误"


class InvalidApplication(DomainError):
    code = "benefits.invalid_application"
    message = "补贴申请有误"


class InvalidBatch(DomainError):
    code = "benefits.invalid_batch"
    message = "不能办理该发放批次"


class BatchLocked(InvalidBatch):
    code = "benefits.batch_locked"
    message = "该批次已审批锁定，不能修改；更正请在以后的批次中补发或扣减"


class InvalidAdjustment(DomainError):
    code = "benefits.invalid_adjustment"
    message = "补发扣减有误"


class InvalidAccount(DomainError):
    code = "benefits.invalid_account"
    message = "发放账户有误"


class InvalidRecovery(DomainError):
    code = "benefits.invalid_recovery"
    message = "追回记录有误"
