"""统一社会信用代码 (unified social credit code), GB 32100-2015. Pure logic, no Django.

18 characters from a 31-character alphabet (digits and capital letters without I, O, Z, S, V):
1 registration authority, 2 organisation type, 3–8 the registering region's 6-digit code, 9–17 the
organisation code (GB 11714), 18 the check character, which is what we verify.
Check character (GB 32100-2015 §4.3): C18 = 31 − (Σ Ci·Wi mod 31), Wi = 3^(i−1) mod 31; 31 is written 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28


class CreditCodeError(ValueError):
    """Carries the Chinese message shown to users."""


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """Strip spaces, full-width characters and case, then validate; return the canonical code."""
    cleaned = "".join(
        chr(ord(ch) - 0xFEE0) if "！" <= ch <= "～" else ch for ch in str(text) if not ch.isspace()
    ).upper()
    return validate(cleaned)


def validate(code: str) -> str:
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise CreditCodeError(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第 3–8 位应为登记管理机关行政区划码（6 位数字）")
    if code[17] != check_character(code[:17]):
        raise CreditCodeError("统一社会信用代码校验位错误，请核对")
    return code


def make(prefix17: str) -> str:
    """Complete a 17-character prefix with its check character (demo data and tests)."""
    return prefix17 + check_character(prefix17)
