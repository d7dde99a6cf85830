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


class VisitRefused(DomainError):
    """A report from a caregiver's phone that cannot be recorded (nothing is stored)."""

    code = "services.visit_refused"
    message = "上报未受理"


class NotACaregiver(VisitRefused):
    code = "services.not_a_caregiver"
    message = "您的账号没有登记为护理员"


class VisitKeyInvalid(VisitRefused):
    code = "services.visit_key_invalid"
    message = "缺少有效的上报编号（8–64 个字符）"


class VisitKeyReused(VisitRefused):
    code = "services.visit_key_reused"
    message = "该上报编号已用于其他护理员、其他工单或其他操作"


class VisitNotYours(VisitRefused):
    code = "services.visit_not_yours"
    message = "该工单没有派给您，不能上报"


class VisitWrongState(VisitRefused):
    code = "services.visit_wrong_state"
    message = "工单当前状态不能进行该操作"


class CheckOutNotCheckedIn(VisitRefused):
    code = "services.checkout_not_checked_in"
    message = "尚未签到，不能签退"


class VisitKindUnknown(VisitRefused):
    code = "services.visit_kind_unknown"
    message = "未知的上报类型"


class ChecklistInvalid(VisitRefused):
    code = "services.checklist_invalid"
    message = "服务内容不在该项目的服务清单中"


class VisitNoteInvalid(VisitRefused):
    code = "services.visit_note_invalid"
    message = "服务记录有误"


class ConfirmMissing(VisitRefused):
    code = "services.confirm_missing"
    message = "请输入家属确认码，或请老人签字确认"


class SignatureInvalid(VisitRefused):
    code = "services.signature_invalid"
    message = "签字图片无效（须为 PNG 图片，不超过 200 KB）"


class PhotoInvalid(VisitRefused):
    code = "services.photo_invalid"
    message = "服务照片须为 JPEG 或 PNG 图片"


class PhotoTooLarge(VisitRefused):
    code = "services.photo_too_large"
    message = "每张服务照片不能超过 2 MB"


class PhotoTooMany(VisitRefused):
    code = "services.photo_too_many"
    message = "每个工单最多上传 3 张服务照片"


class CheckInTooFar(DomainError):
    code = "services.checkin_too_far"
    message = "签到位置距老人住址过远"


class CheckInLate(DomainError):
    code = "services.checkin_late"
    message = "签到迟到"


class CheckOutTooFar(DomainError):
    code = "services.checkout_too_far"
    message = "签退位置距老人住址过远"


class CheckOutEarly(DomainError):
    code = "services.checkout_early"
    message = "早退"


class CheckOutShort(DomainError):
    code = "services.checkout_short"
    message = "服务时长不足"


class PhotosMissing(DomainError):
    code = "services.photos_missing"
    message = "服务照片不足"


class CheckOutBeforeCheckIn(DomainError):
    code = "services.checkout_before_checkin"
    message = "签退时间早于签到时间，请核对手机时间"


class ClockWrong(DomainError):
    code = "services.visit_clock_wrong"
    message = "手机时间异常，已按服务器时间记录"


class SyncedLate(DomainError):
    code = "services.visit_synced_late"
    message = "离线补传"


class ConfirmCodeWrong(DomainError):
    code = "services.confirm_code_wrong"
    message = "家属确认码不正确"


class ConfirmLocked(DomainError):
    code = "services.confirm_locked"
    message = "家属确认码已连续输错 5 次，已锁定；请改由老人签字确认"


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
