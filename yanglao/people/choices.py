"""Enumerations of the registry; labels are the official Chinese terms (docs/glossary.md)."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class LivingArrangement(models.TextChoices):
    ALONE = "alone", "独居"
    SPOUSE_ONLY = "spouse_only", "仅与配偶同住（纯老）"
    WITH_CHILDREN = "with_children", "与子女同住"
    INSTITUTION = "institution", "入住机构"
    OTHER = "other", "其他"


class EconomicStatus(models.TextChoices):
    EXTREME_POVERTY = "extreme_poverty", "特困供养"
    DIBAO = "dibao", "低保"
    NEAR_DIBAO = "near_dibao", "低保边缘"
    LOW_INCOME = "low_income", "低收入"
    GENERAL = "general", "一般"


class FamilyPlanningSpecial(models.TextChoices):
    NONE = "", "否"
    LOST_ONLY_CHILD = "lost_only_child", "失独"
    ONLY_CHILD_DISABLED = "only_child_disabled", "独生子女伤残"


class DisabilityCategory(models.TextChoices):
    NONE = "", "无"
    VISUAL = "visual", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


class MedicalInsurance(models.TextChoices):
    NONE = "", "未填写"
    EMPLOYEE = "employee", "城镇职工基本医疗保险"
    RESIDENT = "resident", "城乡居民基本医疗保险"
    PUBLIC = "public", "公费医疗"
    UNINSURED = "uninsured", "未参保"
    OTHER = "other", "其他"


class ElderStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    MOVED_OUT = "moved_out", "迁出"
    DECEASED = "deceased", "死亡"


class LifeEventKind(models.TextChoices):
    REGISTERED = "registered", "登记"
    DEATH = "death", "死亡"
    MOVE_OUT = "move_out", "迁出"
    MOVE_IN = "move_in", "迁入"
    MOVE = "move", "辖区内迁居"
    CORRECTION = "correction", "信息更正"


class EventSource(models.TextChoices):
    FORM = "form", "人工录入"
    IMPORT = "import", "批量导入"
    PUBLIC_SECURITY = "public_security", "公安户籍交换"
    HEALTH = "health", "卫健死亡信息交换"
    CIVIL_AFFAIRS = "civil_affairs", "民政殡葬信息交换"
    API = "api", "接口"


# research/standards.md §1.5 (GB/T 42195-2022 Appendix A.4.1): the disease checklist with ICD-10 ranges.
CHRONIC_CONDITIONS: dict[str, tuple[str, str]] = {
    "hypertension": ("高血压", "I10–I15"),
    "coronary": ("冠心病", "I25"),
    "diabetes": ("糖尿病", "E10–E14"),
    "pneumonia": ("肺炎", "J12–J18"),
    "copd": ("慢性阻塞性肺疾病", "J44"),
    "cerebral_haemorrhage": ("脑出血", "I60–I62"),
    "cerebral_infarction": ("脑梗塞", "I63"),
    "urinary_infection": ("尿路感染（30天内）", ""),
    "parkinson": ("帕金森综合征", "G20–G22"),
    "renal_failure": ("慢性肾衰竭", "N18–N19"),
    "cirrhosis": ("肝硬化", "K74"),
    "peptic_ulcer": ("消化性溃疡", "K20–K31"),
    "tumour": ("肿瘤", "C00–D48"),
    "amputation": ("截肢（6个月内）", ""),
    "fracture": ("骨折（3个月内）", "M84"),
    "epilepsy": ("癫痫", "G40"),
    "hypothyroidism": ("甲状腺功能减退症", "E01–E03"),
    "cataract": ("白内障", "H25–H26"),
    "glaucoma": ("青光眼", "H40–H42"),
    "osteoporosis": ("骨质疏松", "M80–M82"),
    "dementia": ("痴呆", "F00–F03"),
    "other_mental": ("其他精神和行为障碍", "F04–F99"),
}


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "已退回"
    CANCELLED = "cancelled", "已撤回"


class FamilyRelation(models.TextChoices):
    """A family account's relation to the person (家属绑定)."""

    DAUGHTER = "daughter", "女儿"
    SON = "son", "儿子"
    SPOUSE = "spouse", "配偶"
    GRANDCHILD = "grandchild", "孙子女"
    RELATIVE = "relative", "其他亲属"
    OTHER = "other", "其他"
