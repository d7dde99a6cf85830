from django.db import models


class LtcApplicant(models.TextChoices):
    SELF = "self", "本人申请"
    FAMILY = "family", "家属代为申请"
    PROVIDER = "provider", "定点服务机构代为申请"


class LtcStatus(models.TextChoices):
    ASSESSING = "assessing", "评估中"
    QUALIFIED = "qualified", "待制定照护计划"
    NOT_QUALIFIED = "not_qualified", "未达享受等级"
    IN_CARE = "in_care", "享受待遇中"
    ENDED = "ended", "已终止"


class CareSetting(models.TextChoices):
    HOME = "home", "居家照护"
    INSTITUTION = "institution", "机构照护"


class ExtraChoice(models.TextChoices):
    NONE = "", "不适用"
    HOURS = "hours", "增加服务时间"
    CASH = "cash", "现金补助"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "执行中"
    ENDED = "ended", "已终止"


class LtcSettlementStatus(models.TextChoices):
    DRAFT = "draft", "待审核"
    APPROVED = "approved", "已审核（已锁定）"


class VisitIssue(models.TextChoices):
    SHORT = "short", "服务时长不足"


class IssueDecision(models.TextChoices):
    PENDING = "pending", "待处理"
    PAY = "pay", "照付"
    ACTUAL = "actual", "按实际时长支付"
    REFUSE = "refuse", "拒付"


# Who may be a designated provider (定点服务机构), by organisation kind: institution care only residential
# institutions; home care also the home-service companies, nursing stations and centres.
INSTITUTION_KINDS = ("institution", "elder_care_home")
PROVIDER_KINDS = ("home_service", "nursing_station", "day_care", "community_centre", *INSTITUTION_KINDS)
