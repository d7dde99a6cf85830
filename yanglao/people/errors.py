"""The registry's refusals; ``message`` is what users read."""

from yanglao.core import errors as core_errors
from yanglao.core.errors import DomainError

# The import pipeline lives in core now; the registry's names stay for its callers.
ImportFileInvalid = core_errors.ImportFileInvalid
WrongHeaders = core_errors.WrongHeaders


class IdNumberTaken(DomainError):
    code = "people.id_number_taken"
    message = "该公民身份号码已登记"


class InvalidElder(DomainError):
    code = "people.invalid_elder"
    message = "老年人信息有误"


class ElderNotActive(DomainError):
    code = "people.not_active"
    message = "该老人已不在册（已死亡或迁出）"


class InvalidLifeEvent(DomainError):
    code = "people.invalid_life_event"
    message = "生活事件信息有误"


class TransferRequired(DomainError):
    code = "people.transfer_required"
    message = "新社区不在您的管辖范围内：请发起迁出转移，由接收街道确认"


class InvalidTransfer(DomainError):
    code = "people.invalid_transfer"
    message = "迁出转移无法办理"


class FamilyCodeInvalid(DomainError):
    code = "people.family_code_invalid"
    message = "邀请码不正确，请核对后重新输入"


class FamilyCodeExpired(DomainError):
    code = "people.family_code_expired"
    message = "邀请码已过期（有效期 14 天），请联系社区重新生成"


class FamilyCodeUsed(DomainError):
    code = "people.family_code_used"
    message = "邀请码已被使用，请联系社区重新生成"


class FamilyJoinLocked(DomainError):
    code = "people.family_join_locked"
    message = "邀请码输错次数过多，请 15 分钟后再试"


class InvalidFamilyLink(DomainError):
    code = "people.invalid_family_link"
    message = "家属绑定信息有误"
