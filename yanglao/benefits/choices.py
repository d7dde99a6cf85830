from django.db import models


class PolicyKind(models.TextChoices):
    CASH = "cash", "现金补贴"
    SERVICE = "service", "服务补贴"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "按月发放"
    QUARTERLY = "quarterly", "按季发放"
    YEARLY = "yearly", "按年发放"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已申请，待街道初审"
    STREET_CHECKED = "street_checked", "街道初审通过，待区县审核"
    APPROVED = "approved", "区县审核通过"
    REJECTED = "rejected", "不予通过"
    ENDED = "ended", "已终止"


class Applicant(models.TextChoices):
    SELF = "self", "本人申请"
    FAMILY = "family", "家属代为申请"
    COMMUNITY = "community", "社区代为申请"


class BatchStatus(models.TextChoices):
    PREPARED = "prepared", "已编制，待审批"
    APPROVED = "approved", "已审批（已锁定）"
    CANCELLED = "cancelled", "已作废"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", "当月发放"
    ADJUSTMENT = "adjustment", "往月调整"


class PaymentStatus(models.TextChoices):
    PAY = "pay", "发放"
    HELD = "held", "暂缓发放"


class FindingKind(models.TextChoices):
    DECEASED = "deceased", "死亡人员"
    DUPLICATE_ID = "duplicate_id", "身份证号重复发放"
    TWO_REGIONS = "two_regions", "跨区迁移中"
    NOT_STACKING = "not_stacking", "不可叠加重复享受"
    INSTITUTION = "institution", "入住养老机构"
    NO_ACCOUNT = "no_account", "无发放账户"
    SHARED_ACCOUNT = "shared_account", "多人共用发放账户"
    NEGATIVE = "negative", "调整无法发放"


class StopReason(models.TextChoices):
    DEATH = "death", "死亡"
    MOVED = "moved", "迁出"
    LOST = "lost", "不再符合条件"


class RecoveryStatus(models.TextChoices):
    OPEN = "open", "待追回"
    RECOVERED = "recovered", "已追回"
    WAIVED = "waived", "核销"
