"""The import template: column headers, which are required, and the words accepted in coded columns.

One table serves the template download, header checking, row validation and the error report.
"""

from __future__ import annotations

from yanglao.people.choices import (
    CHRONIC_CONDITIONS,
    DisabilityCategory,
    EconomicStatus,
    FamilyPlanningSpecial,
    LivingArrangement,
    MedicalInsurance,
)

REQUIRED_HEADERS = ("姓名", "公民身份号码", "联系电话", "居住地址", "社区代码", "居住情况", "经济状况")
# Required headers whose cells may still be empty (not everyone has a phone).
OPTIONAL_VALUES = {"联系电话", "居住地址"}
CONTACT_HEADERS = tuple(
    f"紧急联系人{n}{part}" for n in (1, 2, 3) for part in ("姓名", "关系", "电话", "有钥匙")
)
OPTIONAL_HEADERS = (
    "民族",
    "户籍地址",
    "户号",
    "计生特殊家庭",
    "残疾类别",
    "残疾等级",
    "医保类型",
    "家庭医生签约",
    "慢性病",
    "纬度",
    "经度",
    *CONTACT_HEADERS,
)
ALL_HEADERS = REQUIRED_HEADERS + OPTIONAL_HEADERS

DEATH_HEADERS = ("公民身份号码", "姓名", "死亡日期")


def _words(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    words = {label: value for value, label in choices.choices}
    words.update({value: value for value, _ in choices.choices if value})
    words.update(extra or {})
    return words


LIVING_WORDS = _words(
    LivingArrangement,
    {
        "仅与配偶同住": "spouse_only",
        "纯老": "spouse_only",
        "与配偶同住": "spouse_only",
        "与子女同住": "with_children",
    },
)
ECONOMIC_WORDS = _words(
    EconomicStatus,
    {"特困": "extreme_poverty", "特困人员": "extreme_poverty", "低保户": "dibao", "普通": "general"},
)
FAMILY_PLANNING_WORDS = _words(FamilyPlanningSpecial, {"": "", "否": "", "无": ""})
DISABILITY_WORDS = _words(
    DisabilityCategory,
    {
        "": "",
        "无": "",
        "视力": "visual",
        "听力": "hearing",
        "言语": "speech",
        "肢体": "physical",
        "智力": "intellectual",
        "精神": "mental",
        "多重": "multiple",
    },
)
INSURANCE_WORDS = _words(MedicalInsurance, {"": "", "职工医保": "employee", "居民医保": "resident"})
CONDITION_WORDS = (
    {label: code for code, (label, _) in CHRONIC_CONDITIONS.items()}
    | {code: code for code in CHRONIC_CONDITIONS}
    | {"慢阻肺": "copd", "脑梗": "cerebral_infarction", "帕金森": "parkinson", "甲减": "hypothyroidism"}
)
YES = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "无", "n", "no", "false", "0", ""}
GRADE_WORDS = {
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
    "一级": 1,
    "二级": 2,
    "三级": 3,
    "四级": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
}
