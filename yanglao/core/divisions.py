"""12-digit statistical division codes (统计用区划代码): levels, parents and subtree ranges.

Pure logic, no Django. A subtree is the half-open code range ``[lo, hi)``: strings of twelve digits compare
the same way in every collation, so the range uses the index on every database (``LIKE`` would not).
Layout (research/standards.md §8.1): 2 province, 2 city, 2 county, 3 township, 3 village digits.
"""

from __future__ import annotations

import re

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
LEVELS = (PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE)
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
CODE_RE = re.compile(r"^\d{12}$")


class DivisionCodeError(ValueError):
    """The text is not a 12-digit division code (message in Chinese for users)."""


def normalise(code: str | int) -> str:
    """Accept 2/4/6/9/12-digit forms (as published at each level) and return the 12-digit code."""
    text = str(code).strip()
    if not text.isdigit() or len(text) not in (2, 4, 6, 9, 12):
        raise DivisionCodeError(f"区划代码“{text}”不是 2、4、6、9 或 12 位数字")
    return text.ljust(12, "0")


def validate(code: str) -> str:
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise DivisionCodeError(f"区划代码“{code}”不是 12 位数字")
    if code[:2] == "00":
        raise DivisionCodeError(f"区划代码“{code}”的省级代码不能为 00")
    return code


def level_of(code: str) -> str:
    validate(code)
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return CITY
    if code[6:] == "0" * 6:
        return COUNTY
    if code[9:] == "000":
        return TOWNSHIP
    return VILLAGE


def prefix(code: str) -> str:
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level == PROVINCE:
        return None
    shorter = PREFIX_LENGTH[LEVELS[LEVELS.index(level) - 1]]
    return code[:shorter].ljust(12, "0")


def ancestors_and_self(code: str) -> list[str]:
    """A 12-digit code and the codes of the divisions above it, most specific first (community → street →
    county → city → province)."""
    out = [code]
    for keep in (9, 6, 4, 2):
        ancestor = code[:keep].ljust(12, "0")
        if ancestor not in out:
            out.append(ancestor)
    return out


def subtree_range(code: str) -> tuple[str, str]:
    """The half-open range of every code under ``code``, itself included."""
    head = prefix(code)
    upper = int(head) + 1
    if len(str(upper)) > len(head):
        # Only an all-nines prefix overflows; no real division has one.
        raise DivisionCodeError(f"区划代码“{code}”没有上界")
    return code, str(upper).zfill(len(head)).ljust(12, "0")


def contains(ancestor: str, code: str) -> bool:
    lo, hi = subtree_range(ancestor)
    return lo <= code < hi


def merge_ranges(ranges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Collapse nested or adjacent ranges so a scope filter has as few terms as possible."""
    merged: list[tuple[str, str]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
