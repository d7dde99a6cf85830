"""公民身份号码 (citizen ID number), GB 11643-1999. Pure logic, no Django.

Positions 1–6 address code, 7–14 birth date, 15–17 sequence (odd = male), 18 the ISO 7064 MOD 11-2 check
character (research/standards.md §9). The registry (people) builds its validation on these functions.
"""

from __future__ import annotations

import datetime as dt

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def make(address6: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-character number (demo data); ``sequence`` 0–999, odd for men."""
    first17 = f"{address6}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_male(number: str) -> bool:
    return int(number[16]) % 2 == 1
