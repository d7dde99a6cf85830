"""The import template: declared columns (Chinese header, aliases, required, masked) and the words accepted
in coded columns.

One declaration serves the template download, header matching, row validation and the error report.
"""

from __future__ import annotations

from yanglao.core import masking
from yanglao.core.importing import Column
from yanglao.people.choices import (
    CHRONIC_CONDITIONS,
    DisabilityCategory,
    EconomicStatus,
    FamilyPlanningSpecial,
    LivingArrangement,
    MedicalInsurance,
)

# (field, header, aliases): the fields are ElderIn's, so a schema error is reported on its column.
_REQUIRED = (
    ("name", "姓名", ("老人姓名",)),
    ("id_number", "公民身份号码", ("身份证号", "身份证号码", "证件号码")),
    ("phone", "联系电话", ("电话", "手机", "手机号码")),
    ("address", "居住地址", ("现居住地址", "现住址")),
    ("region_code", "社区代码", ("居委会代码", "居（村）委会代码")),
    ("living_arrangement", "居住情况", ()),
    ("economic_status", "经济状况", ()),
)
_OPTIONAL = (
    ("ethnicity", "民族", ()),
    ("registered_address", "户籍地址", ()),
    ("household_number", "户号", ()),
    ("family_planning_special", "计生特殊家庭", ()),
    ("disability_category", "残疾类别", ()),
    ("disability_grade", "残疾等级", ()),
    ("medical_insurance", "医保类型", ()),
    ("family_doctor_signed", "家庭医生签约", ()),
    ("local_hukou", "本市户籍", ("是否本市户籍",)),
    ("chronic_conditions", "慢性病", ()),
    ("lat", "纬度", ()),
    ("lng", "经度", ()),
)
# Columns whose cells an error report masks for users without the reveal right.
MASKS = {
    "公民身份号码": masking.mask_id,
    "联系电话": masking.mask_phone,
    "居住地址": masking.mask_address,
    "户籍地址": masking.mask_address,
    **{f"紧急联系人{n}电话": masking.mask_phone for n in (1, 2, 3)},
}
CONTACT_HEADERS = tuple(
    f"紧急联系人{n}{part}" for n in (1, 2, 3) for part in ("姓名", "关系", "电话", "有钥匙")
)
COLUMNS = (
    *(Column(f, h, a, required=True, mask=MASKS.get(h)) for f, h, a in _REQUIRED),
    *(Column(f, h, a, mask=MASKS.get(h)) for f, h, a in _OPTIONAL),
    *(Column(f"contact_{h[5]}_{h[6:]}", h, mask=MASKS.get(h)) for h in CONTACT_HEADERS),
)
REQUIRED_HEADERS = tuple(c.header for c in COLUMNS if c.required)
# Required headers whose cells may still be empty (not everyone has a phone).
OPTIONAL_VALUES = {"联系电话", "居住地址"}
OPTIONAL_HEADERS = tuple(c.header for c in COLUMNS if not c.required)
ALL_HEADERS = REQUIRED_HEADERS + OPTIONAL_HEADERS

DEATH_COLUMNS = (
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "证件号码"),
        required=True,
        mask=masking.mask_id,
    ),
    Column("name", "姓名", (), required=True),
    Column("death_date", "死亡日期", (), required=True),
)
DEATH_HEADERS = tuple(c.header for c in DEATH_COLUMNS)


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
