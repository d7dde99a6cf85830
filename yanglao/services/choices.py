"""Labels of the home and community services module, as the standards and the national system write them."""

from django.db import models


class ServiceType(models.TextChoices):
    """The seven service types of GB/T 43153-2023 居家养老上门服务基本规范."""

    DAILY_LIVING = "daily_living", "生活照料"
    BASIC_CARE = "basic_care", "基础照护"
    HEALTH = "health", "健康管理"
    VISITING = "visiting", "探访关爱"
    COMFORT = "comfort", "精神慰藉"
    ERRANDS = "errands", "委托代办"
    ADAPTATION = "adaptation", "家庭生活环境适老化改造"


# The national system's (全国养老服务信息系统) codes for the types it lists; adaptation has none there.
NATIONAL_CODES = {
    ServiceType.DAILY_LIVING: "01",
    ServiceType.BASIC_CARE: "02",
    ServiceType.VISITING: "03",
    ServiceType.HEALTH: "04",
    ServiceType.ERRANDS: "05",
    ServiceType.COMFORT: "06",
}


class Unit(models.TextChoices):
    VISIT = "visit", "次"
    HOUR = "hour", "小时"
    MEAL = "meal", "餐"


class Skill(models.TextChoices):
    """What a caregiver must hold to be dispatched to an item."""

    GENERAL = "general", "生活照料服务人员"
    CARE_WORKER = "care_worker", "养老护理员（持证）"
    NURSE = "nurse", "护士"
    REHAB = "rehab", "康复治疗师"
    SOCIAL_WORKER = "social_worker", "社会工作者"
    TECHNICIAN = "technician", "适老化改造施工人员"


class BreachAction(models.TextChoices):
    """What a breached check-in rule does to the order."""

    CONTINUE = "continue", "继续（仅记录）"
    WARN = "warn", "提醒并标记异常"
    BLOCK = "block", "不允许签到或签退"
    END = "end", "异常终止工单"


class ListCategory(models.TextChoices):
    """The three categories of the national basic elderly-care service list (2023)."""

    MATERIAL = "material", "物质帮助"
    CARE = "care", "照护服务"
    CONCERN = "concern", "关爱服务"


class Payer(models.TextChoices):
    GOVERNMENT = "government", "政府"
    SHARED = "shared", "政府与个人分担"
    PERSON = "person", "个人"


class OrderStatus(models.TextChoices):
    """The national system's path (申请 → 街道初审 → 区县审核 → 派单 → 接单 → 签到 → 签退 → 确认 → 评价)."""

    REQUESTED = "requested", "已申请"
    STREET_APPROVED = "street_approved", "街道已初审"
    APPROVED = "approved", "待派单"
    DISPATCHED = "dispatched", "已派单"
    ACCEPTED = "accepted", "已接单"
    CHECKED_IN = "checked_in", "服务中"
    CHECKED_OUT = "checked_out", "已签退"
    CONFIRMED = "confirmed", "已确认"
    RATED = "rated", "已评价"
    CANCELLED = "cancelled", "已取消"
    ABORTED = "aborted", "异常终止"


class Channel(models.TextChoices):
    FAMILY = "family", "家属下单"
    ADVISOR = "advisor", "养老顾问代下单"
    HOTLINE = "hotline", "热线代下单"
    PLAN = "plan", "周期服务计划"
    LTC = "ltc", "长护险照护计划"
    API = "api", "接口"


class VisitKind(models.TextChoices):
    """What a caregiver's phone reports about a visit (each report carries its own idempotency key)."""

    CHECK_IN = "check_in", "签到"
    CHECKLIST = "checklist", "服务内容"
    CHECK_OUT = "check_out", "签退"
    CONFIRM = "confirm", "服务确认"


class VisitOutcome(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    FLAGGED = "flagged", "已受理（有异常）"
    REFUSED = "refused", "未受理"


class ConfirmVia(models.TextChoices):
    CODE = "code", "家属确认码"
    SIGNATURE = "signature", "老人签字"
    FAMILY = "family", "家属在线确认"


class AlertKind(models.TextChoices):
    """What the quality monitor flags (服务质量实时监控). The first six come from the check-in rules."""

    LATE = "late", "迟到"
    FAR_IN = "far_in", "签到位置异常"
    FAR_OUT = "far_out", "签退位置异常"
    EARLY = "early", "早退"
    SHORT = "short", "服务时长不足"
    PHOTOS = "photos", "缺少服务照片"
    NO_SHOW = "no_show", "未按时签到"
    NO_CHECKOUT = "no_checkout", "未签退"
    CLOCK = "clock", "手机时间异常"
    LOW_RATING = "low_rating", "低评分"
    COMPLAINT = "complaint", "投诉"


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    CLOSED = "closed", "已处理"


class SettlementStatus(models.TextChoices):
    """A provider's monthly settlement with the government (结算): the provider makes it, the street checks it,
    the district approves it and the month is then locked; either check may return it (退回) to draft."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    STREET_CHECKED = "street_checked", "街道已审核"
    APPROVED = "approved", "已批准"


class ExceptionDecision(models.TextChoices):
    """What the government decides about an order with an alert before it is paid (异常工单处理)."""

    PENDING = "pending", "待审"
    ALLOWED = "allowed", "照付"
    CUT = "cut", "核减"
    REFUSED = "refused", "拒付"


class Satisfaction(models.TextChoices):
    """What a follow-up call (回访) hears."""

    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ComplaintStatus(models.TextChoices):
    """A complaint's path: the provider replies, then resolves; the family rates the resolution (a low rating
    re-opens it); a missed deadline escalates it to the government."""

    PENDING = "pending", "待回复"
    REPLIED = "replied", "已回复"
    RESOLVED = "resolved", "已解决"
    REOPENED = "reopened", "已重开"
    ESCALATED = "escalated", "已升级"
