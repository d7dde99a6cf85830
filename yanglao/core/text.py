"""Free text typed by users (names, addresses, notes): one check for every form, API body and import row.

Refuses what no person's or organisation's name contains and what breaks other systems downstream:
control characters (NUL, escape sequences; tabs and line breaks count as spaces), text that is blank once
spaces are removed, and over-long text, with a Chinese message naming the field. Pure Python: no Django.
"""

from __future__ import annotations

import unicodedata


class TextError(ValueError):
    pass


def clean_line(
    value: object, *, label: str, max_length: int, required: bool = True, one_line: bool = True
) -> str:
    """Text as stored: one line with its spaces, tabs and line breaks collapsed to single spaces, or
    (``one_line=False``, for notes and addresses pasted with line breaks) trimmed with them kept. Raises TextError, whose message is shown
    to the user as it is."""
    text = "" if value is None else str(value)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        raise TextError(f"{label}不能含控制字符（如空字符），请重新输入")
    text = " ".join(text.split()) if one_line else text.strip()
    if required and not text:
        raise TextError(f"{label}不能为空")
    if len(text) > max_length:
        raise TextError(f"{label}过长：最多 {max_length} 个字（现为 {len(text)} 个）")
    return text
