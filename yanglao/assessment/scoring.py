"""The one scoring engine for every instrument: items → dimension scores and grades → preliminary level →
change rules → final level. Pure Python, no Django.

An instrument is data (instruments/*.json): its items and option scores, how a dimension is graded (score
bands or ordered rules over item scores), how the level is found (total-score bands or a lookup matrix over
dimension grades) and its change rules with their stacking policy. A local variant is another data file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ScoringError(ValueError):
    """Bad answers: carries per-item problems, each with a Chinese and an English message."""

    def __init__(self, problems: list[dict[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p['item']}: {p['en']}" for p in problems))


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    score: int
    max: int
    grade: int | None


@dataclass(frozen=True)
class AppliedRule:
    code: str
    kind: str  # "set" or "raise"
    reason: str
    effect: str  # "applied", "ignored: already at the top", "ignored: frozen", "ignored: stacking once"


@dataclass(frozen=True)
class Result:
    instrument: str
    version: str
    dimensions: list[Dimension]
    total: int
    preliminary_level: int
    final_level: int
    level_name: str
    preliminary_name: str
    rules: list[AppliedRule] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "dimensions": [d.__dict__ for d in self.dimensions],
            "total": self.total,
            "preliminary_level": {"level": self.preliminary_level, "name": self.preliminary_name},
            "rules_applied": [r.__dict__ for r in self.rules],
            "final_level": {"level": self.final_level, "name": self.level_name},
        }


# ------------------------------------------------------------------ answers


def check_answers(instrument: Mapping, answers: Mapping[str, Any]) -> dict[str, int]:
    """Every required item answered with one of its option scores; no unknown items. Else ScoringError."""
    items = {i["code"]: i for d in instrument["dimensions"] for i in d["items"]}
    problems = []
    for code in answers:
        if code not in items:
            problems.append({"item": code, "zh": f"未知的评估项目 {code}", "en": f"unknown item {code}"})
    clean: dict[str, int] = {}
    for code, item in items.items():
        if code not in answers or answers[code] is None:
            if item.get("required", True):
                problems.append(
                    {"item": code, "zh": f"{code} {item['name']}：必须作答", "en": f"{code} is required"}
                )
            continue
        value = answers[code]
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                {
                    "item": code,
                    "zh": f"{code} {item['name']}：分值应为整数",
                    "en": f"{code} must be an integer",
                }
            )
            continue
        allowed = sorted(o["score"] for o in item["options"])
        if value not in allowed:
            problems.append(
                {
                    "item": code,
                    "zh": f"{code} {item['name']}：{value} 不是可选分值（可选：{'、'.join(map(str, allowed))}）",
                    "en": f"{code}: {value} is not one of {allowed}",
                }
            )
            continue
        clean[code] = value
    if problems:
        raise ScoringError(problems)
    return clean


# ------------------------------------------------------------------ conditions


def _condition(cond: Mapping, answers: Mapping[str, int]) -> bool:
    value, op, target = answers.get(cond["item"]), cond["op"], cond["value"]
    if value is None:
        return False
    if op == "eq":
        return value == target
    if op == "le":
        return value <= target
    if op == "ge":
        return value >= target
    if op == "in":
        return value in target
    raise ValueError(f"unknown operator {op}")


def _grade(spec: Mapping, score: int, answers: Mapping[str, int]) -> int | None:
    if spec["method"] == "bands":
        for low, high, grade in spec["bands"]:
            if low <= score <= high:
                return grade
        raise ValueError(f"score {score} falls in no band")
    if spec["method"] == "rules":
        for rule in spec["rules"]:  # most severe first; a rule holds when any of its AND-groups holds
            if any(all(_condition(c, answers) for c in group) for group in rule["when"]):
                return rule["grade"]
        raise ValueError("no grading rule matched")
    raise ValueError(f"unknown grading method {spec['method']}")


ICD = re.compile(r"^([A-Z])(\d{2})")


def _icd_in(code: str, low: str, high: str) -> bool:
    """F01.1 lies in F00–F03: compare letter and the two-digit category."""
    match = ICD.match(code.strip().upper())
    return match is not None and low <= match.group(1) + match.group(2) <= high


def _risk_events(spec: Mapping, events: Mapping[str, int]) -> bool:
    types = spec.get("types")
    counted = {k: int(v) for k, v in events.items() if types is None or k in types}
    if spec.get("count", "total") == "per_type":
        return any(v >= spec["at_least"] for v in counted.values())
    return sum(counted.values()) >= spec["at_least"]


def _holds(when: Mapping, answers: Mapping[str, int], context: Mapping[str, Any]) -> bool:
    if "any" in when:
        return any(_holds(w, answers, context) for w in when["any"])
    if "context" in when:
        return bool(context.get(when["context"]))
    if "item" in when:
        return _condition(when["item"], answers)
    if "diagnoses" in when:
        return any(
            _icd_in(code, low, high)
            for code in context.get("diagnoses", ())
            for low, high in when["diagnoses"]
        )
    if "risk_events" in when:
        return _risk_events(when["risk_events"], context.get("risk_events", {}))
    raise ValueError(f"unknown condition {when}")


# ------------------------------------------------------------------ levels


def _level_names(level_spec: Mapping) -> dict[int, str]:
    if level_spec["method"] == "total":
        return {b["level"]: b["name"] for b in level_spec["bands"]}
    return {int(k): v for k, v in level_spec["names"].items()}


def _preliminary(level_spec: Mapping, total: int, grades: Mapping[str, int | None]) -> int:
    if level_spec["method"] == "total":
        for band in level_spec["bands"]:
            if band["min"] <= total <= band["max"]:
                return band["level"]
        raise ValueError(f"total {total} falls in no level band")
    keys = []
    for key in level_spec["keys"]:
        keys.append(
            max(_graded(grades, k) for k in key["max"]) if isinstance(key, Mapping) else _graded(grades, key)
        )
    return level_spec["matrix"][",".join(map(str, keys))]


def _graded(grades: Mapping[str, int | None], code: str) -> int:
    """The grade of a dimension the level matrix reads; an instrument whose matrix reads an ungraded
    dimension is malformed."""
    grade = grades[code]
    if grade is None:
        raise ValueError(f"the level matrix reads dimension {code!r}, which has no grade")
    return grade


def score(
    instrument: Mapping, answers: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> Result:
    """Score one assessment. ``context`` holds what the items do not: coma, ICD-10 diagnoses, risk events."""
    context = context or {}
    clean = check_answers(instrument, answers)
    dimensions = []
    grades: dict[str, int | None] = {}
    for dim in instrument["dimensions"]:
        total = sum(clean.get(i["code"], 0) for i in dim["items"])
        top = sum(max(o["score"] for o in i["options"]) for i in dim["items"])
        grade = _grade(dim["grade"], total, clean) if "grade" in dim else None
        grades[dim["code"]] = grade
        dimensions.append(Dimension(dim["code"], dim["name"], total, top, grade))
    total = sum(d.score for d in dimensions)
    names = _level_names(instrument["level"])
    top_level = max(names)
    preliminary = _preliminary(instrument["level"], total, grades)
    level, applied, raised = preliminary, [], 0
    changes = instrument.get("changes", {})
    frozen = changes.get("freeze_at_top") and preliminary == top_level
    for rule in changes.get("rules", []):
        if not _holds(rule["when"], clean, context):
            continue
        if frozen:
            effect = "ignored: preliminary level is already the top level"
        elif rule["kind"] == "set":
            level, effect = max(level, rule["level"]), "applied"
        elif changes.get("stacking", "once") == "once" and raised >= 1:
            effect = "ignored: the level is raised once in total"
        elif level >= top_level:
            effect = "ignored: already at the top level"
        else:
            level, raised, effect = level + 1, raised + 1, "applied"
        applied.append(AppliedRule(rule["code"], rule["kind"], rule["reason"], effect))
    level = min(level, top_level)
    return Result(
        instrument=instrument["code"],
        version=instrument["version"],
        dimensions=dimensions,
        total=total,
        preliminary_level=preliminary,
        final_level=level,
        level_name=names[level],
        preliminary_name=names[preliminary],
        rules=applied,
    )
