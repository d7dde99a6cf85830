"""Who a subsidy policy pays, and how much, for a month: pure, so a batch, a person page and a test decide
alike.

A policy's *rule* is the conditions everyone it pays must meet (all of them); its *bands* are the amounts,
tried in order, the first that fits paying. A person is paid for a month when on its last day they meet the
rule (the month of an 80th birthday counts), and for the month in which they die, never after it; a move
away ends payment with the month before the move. The rule is data (``BenefitPolicy.rule`` / ``.bands``)::

    rule  = {"min_age": 80, "max_age": null, "economic_statuses": ["dibao"], "family_planning_special": true,
             "local_hukou": true, "ability": {"instrument": "gbt42195-2022", "levels": [1, 2]},
             "exclude_institution": true}
    bands = [{"label": "100周岁及以上", "amount": "800.00", "min_age": 100}, …]

A band may name ``min_age``, ``max_age``, ``economic_statuses``, ``family_planning_special`` and
``ability_levels``; a band naming nothing fits everyone the rule lets through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from yanglao.core.months import month_end
from yanglao.people.identity import age_on

ECONOMIC_LABELS = {
    "extreme_poverty": "特困供养",
    "dibao": "低保",
    "near_dibao": "低保边缘",
    "low_income": "低收入",
    "general": "一般",
}
INSTRUMENT_LABELS = {
    "gbt42195-2022": "老年人能力评估（GB/T 42195-2022）",
    "mzt039-2013": "老年人能力评估（MZ/T 039-2013）",
    "ltc-2021": "长期护理保险统一需求评估",
}
RULE_KEYS = {
    "min_age",
    "max_age",
    "economic_statuses",
    "family_planning_special",
    "local_hukou",
    "ability",
    "exclude_institution",
}
BAND_KEYS = {
    "label",
    "amount",
    "min_age",
    "max_age",
    "economic_statuses",
    "family_planning_special",
    "ability_levels",
}


class RuleError(ValueError):
    """A rule or band that cannot be read: the message is the Chinese sentence the editor shows."""


@dataclass(frozen=True, slots=True)
class Person:
    """The registry fields a rule reads, as they stand on the month's last day."""

    birth_date: dt.date
    status: str = "active"  # active / deceased / moved_out
    status_date: dt.date | None = None
    death_date: dt.date | None = None
    economic_status: str = "general"
    family_planning_special: str = ""
    local_hukou: bool = True
    ability_instrument: str = ""
    ability_level: int | None = None
    ability_valid_until: dt.date | None = None
    in_institution: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """``amount`` is None when the person is not paid; ``why`` then says the first condition not met, and
    ``met`` always lists the conditions that were (the person page's 享受依据)."""

    amount: Decimal | None
    band: str
    met: tuple[str, ...]
    why: str = ""
    excluded_as_resident: bool = False  # met everything but lives in an institution the rule excludes

    @property
    def paid(self) -> bool:
        return self.amount is not None


# ---------------------------------------------------------------- reading rules


def _int(value: Any, what: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleError(f"{what}应为整数")
    try:
        number = int(value)
    except ValueError:
        raise RuleError(f"{what}应为整数（收到：{str(value)[:10]}）") from None
    if not 0 <= number <= 150:
        raise RuleError(f"{what}应在 0 到 150 之间")
    return number


def _codes(value: Any, allowed: Mapping[str, str], what: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{what}应为列表")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise RuleError(f"{what}含未知取值：{'、'.join(unknown)[:40]}")
    return list(value)


def amount_of(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise RuleError(f"金额应为数字（收到：{str(value)[:12]}）") from None
    if amount < 0 or amount > Decimal("100000"):
        raise RuleError("每月金额应在 0 到 100000 元之间")
    return amount


def clean_rule(rule: Any) -> dict[str, Any]:
    """The rule as stored, checked: unknown keys and values are refused rather than silently ignored."""
    if not isinstance(rule, dict):
        raise RuleError("享受条件应为对象")
    extra = set(rule) - RULE_KEYS
    if extra:
        raise RuleError(f"享受条件含未知项：{'、'.join(sorted(extra))[:40]}")
    out: dict[str, Any] = {}
    for key in ("min_age", "max_age"):
        number = _int(rule.get(key), "年龄" if key == "min_age" else "年龄上限")
        if number is not None:
            out[key] = number
    if out.get("min_age") is not None and out.get("max_age") is not None and out["min_age"] > out["max_age"]:
        raise RuleError("年龄下限不能大于上限")
    statuses = _codes(rule.get("economic_statuses"), ECONOMIC_LABELS, "经济状况")
    if statuses:
        out["economic_statuses"] = statuses
    for key in ("family_planning_special", "local_hukou", "exclude_institution"):
        if rule.get(key):
            out[key] = True
    ability = rule.get("ability")
    if ability:
        if not isinstance(ability, dict) or ability.get("instrument") not in INSTRUMENT_LABELS:
            raise RuleError("能力评估条件须指明评估标准")
        levels = ability.get("levels") or []
        if not isinstance(levels, list) or not levels or not all(isinstance(v, int) for v in levels):
            raise RuleError("能力评估条件须列出享受的等级")
        out["ability"] = {"instrument": ability["instrument"], "levels": sorted(set(levels))}
    return out


def clean_bands(bands: Any) -> list[dict[str, Any]]:
    if not isinstance(bands, list) or not bands:
        raise RuleError("至少需要一档补贴标准")
    out = []
    for position, band in enumerate(bands, start=1):
        if not isinstance(band, dict):
            raise RuleError(f"第 {position} 档标准格式有误")
        extra = set(band) - BAND_KEYS
        if extra:
            raise RuleError(f"第 {position} 档含未知项：{'、'.join(sorted(extra))[:40]}")
        label = str(band.get("label") or "").strip()
        if not label:
            raise RuleError(f"第 {position} 档缺少名称")
        clean: dict[str, Any] = {"label": label[:40], "amount": str(amount_of(band.get("amount")))}
        for key in ("min_age", "max_age"):
            number = _int(band.get(key), f"第 {position} 档年龄")
            if number is not None:
                clean[key] = number
        statuses = _codes(band.get("economic_statuses"), ECONOMIC_LABELS, f"第 {position} 档经济状况")
        if statuses:
            clean["economic_statuses"] = statuses
        if band.get("family_planning_special"):
            clean["family_planning_special"] = True
        levels = band.get("ability_levels") or []
        if levels:
            if not isinstance(levels, list) or not all(isinstance(v, int) for v in levels):
                raise RuleError(f"第 {position} 档能力等级应为整数列表")
            clean["ability_levels"] = sorted(set(levels))
        out.append(clean)
    return out


# ---------------------------------------------------------------- deciding


def on_register(person: Person, month: dt.date) -> str:
    """Empty when the person counts for ``month``; else why not (death before the month, a move away)."""
    if person.status == "deceased" and person.death_date is not None and person.death_date < month:
        return f"已于 {person.death_date:%Y-%m-%d} 死亡"
    if (
        person.status == "moved_out"
        and person.status_date is not None
        and person.status_date <= month_end(month)
    ):
        return f"已于 {person.status_date:%Y-%m-%d} 迁出"
    return ""


def current_level(person: Person, instrument: str, day: dt.date) -> int | None:
    """The person's level under ``instrument`` while its validity covers ``day``."""
    if person.ability_instrument != instrument or person.ability_level is None:
        return None
    if person.ability_valid_until is None or person.ability_valid_until < day:
        return None
    return person.ability_level


def _band_fits(band: Mapping[str, Any], person: Person, age: int, level: int | None) -> bool:
    if "min_age" in band and age < band["min_age"]:
        return False
    if "max_age" in band and age > band["max_age"]:
        return False
    if "economic_statuses" in band and person.economic_status not in band["economic_statuses"]:
        return False
    if band.get("family_planning_special") and not person.family_planning_special:
        return False
    return not ("ability_levels" in band and level not in band["ability_levels"])


def decide(
    rule: Mapping[str, Any], bands: Sequence[Mapping[str, Any]], person: Person, month: dt.date
) -> Verdict:
    """Whether and how much ``rule`` pays ``person`` for ``month`` (its first day)."""
    last = month_end(month)
    met: list[str] = []
    gone = on_register(person, month)
    if gone:
        return Verdict(None, "", (), gone)
    if person.status == "deceased":
        met.append(f"死亡当月（{person.death_date:%Y-%m-%d}）照发")
    age = age_on(person.birth_date, last)
    if "min_age" in rule:
        if age < rule["min_age"]:
            return Verdict(None, "", tuple(met), f"月末未满 {rule['min_age']} 周岁（{age} 周岁）")
        met.append(f"月末年满 {rule['min_age']} 周岁（{age} 周岁）")
    if "max_age" in rule:
        if age > rule["max_age"]:
            return Verdict(None, "", tuple(met), f"月末已超过 {rule['max_age']} 周岁")
    if "economic_statuses" in rule:
        if person.economic_status not in rule["economic_statuses"]:
            wanted = "、".join(ECONOMIC_LABELS[s] for s in rule["economic_statuses"])
            return Verdict(None, "", tuple(met), f"经济状况不是{wanted}")
        met.append(f"经济状况：{ECONOMIC_LABELS.get(person.economic_status, person.economic_status)}")
    if rule.get("family_planning_special"):
        if not person.family_planning_special:
            return Verdict(None, "", tuple(met), "不是计划生育特殊家庭")
        met.append("计划生育特殊家庭")
    if rule.get("local_hukou"):
        if not person.local_hukou:
            return Verdict(None, "", tuple(met), "不是本市户籍")
        met.append("本市户籍")
    level = None
    ability = rule.get("ability")
    if ability:
        level = current_level(person, ability["instrument"], last)
        if level is None:
            return Verdict(None, "", tuple(met), "月末没有有效的能力评估结果")
        if level not in ability["levels"]:
            return Verdict(None, "", tuple(met), f"能力等级 {level} 级不在享受范围内")
        met.append(f"有效评估：{level} 级（有效期至 {person.ability_valid_until:%Y-%m-%d}）")
    for band in bands:
        if _band_fits(band, person, age, level):
            if rule.get("exclude_institution") and person.in_institution:
                return Verdict(None, band["label"], tuple(met), "入住养老机构，本政策不予发放", True)
            return Verdict(Decimal(band["amount"]), band["label"], (*met, f"标准档：{band['label']}"))
    return Verdict(None, "", tuple(met), "不符合任何一档补贴标准")


def describe_rule(rule: Mapping[str, Any]) -> list[str]:
    """The rule in Chinese, one condition a line (the policy page and the person page's 享受依据)."""
    lines = []
    if "min_age" in rule or "max_age" in rule:
        lo, hi = rule.get("min_age"), rule.get("max_age")
        parts = ([f"年满 {lo} 周岁"] if lo is not None else []) + (
            [f"不超过 {hi} 周岁"] if hi is not None else []
        )
        lines.append("、".join(parts))
    if rule.get("economic_statuses"):
        lines.append("经济状况为" + "、".join(ECONOMIC_LABELS[s] for s in rule["economic_statuses"]))
    if rule.get("family_planning_special"):
        lines.append("计划生育特殊家庭")
    if rule.get("local_hukou"):
        lines.append("本市户籍")
    if rule.get("ability"):
        a = rule["ability"]
        levels = "、".join(str(v) for v in a["levels"])
        lines.append(f"{INSTRUMENT_LABELS[a['instrument']]}有效结果为 {levels} 级")
    if rule.get("exclude_institution"):
        lines.append("不含入住养老机构的老年人")
    return lines or ["无其他条件"]


# ---------------------------------------------------------------- stacking and months


def resolve_stacking(paid: Sequence[tuple[str, str, Decimal]]) -> tuple[set[str], set[str]]:
    """Given (policy code, stacking group, amount) paid to one person, the codes kept and the codes held:
    within a non-empty group only the highest amount is paid (ties: the first code in order)."""
    best: dict[str, tuple[Decimal, str]] = {}
    for code, group, amount in sorted(paid, key=lambda p: p[0]):
        if group and (group not in best or amount > best[group][0]):
            best[group] = (amount, code)
    kept, held = set(), set()
    for code, group, _amount in paid:
        (kept if not group or best[group][1] == code else held).add(code)
    return kept, held


def months_of_period(month: dt.date, frequency: str) -> list[dt.date]:
    """The months a batch for ``month`` pays under ``frequency``: every month for monthly; the quarter's or
    year's months in its last month (paid in arrears); nothing in the other months."""
    if frequency == "monthly":
        return [month]
    span = {"quarterly": 3, "yearly": 12}[frequency]
    if month.month % span:
        return []
    return [month.replace(month=m) for m in range(month.month - span + 1, month.month + 1)]
