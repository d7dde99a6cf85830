"""Free text typed by users (names, addresses, notes): one check for every form, API body and import row.

Refuses what no person's or organisation's name contains and what breaks other systems downstream:
control characters (NUL, escape sequences), text that is blank once spaces are removed, and over-long text,
with a Chinese message naming the field. Pure Python: no Django.
"""

from __future__ import annotations

import unicodedata


class TextError(ValueError):
    pass


def clean_line(value: object, *, label: str, max_length: int, required: bool = True) -> str:
    """One line of text, trimmed. Raises TextError (its message is shown to the user as is)."""
    text = "" if value is None else str(value)
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise TextError(f"{label}含有不可见的控制字符，请重新输入")
    text = " ".join(text.split())
    if required and not text:
        raise TextError(f"{label}不能为空")
    if len(text) > max_length:
        raise TextError(f"{label}过长（{len(text)} 个字符，最多 {max_length} 个）")
    return text
