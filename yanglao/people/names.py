"""Pinyin of Chinese names for search: full pinyin ("zhangsanfeng") and initials ("zsf").

Surnames with a special reading (单 shàn, 曾 zēng, 解 xiè …) are read as surnames; the rest by pypinyin.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS: dict[str, list[str]] = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
    "单": ["shan"],
    "曾": ["zeng"],
    "解": ["xie"],
    "仇": ["qiu"],
    "朴": ["piao"],
    "查": ["zha"],
    "区": ["ou"],
    "盖": ["ge"],
    "乐": ["yue"],
    "种": ["chong"],
    "覃": ["qin"],
    "缪": ["miao"],
    "繁": ["po"],
    "折": ["she"],
    "员": ["yun"],
    "召": ["shao"],
    "黑": ["he"],
    "重": ["chong"],
    "秘": ["bi"],
    "翟": ["zhai"],
    "柏": ["bai"],
}


@lru_cache(maxsize=20_000)
def _char(ch: str) -> list[str]:
    """One character's reading; names are read character by character, which is how people spell them."""
    return lazy_pinyin(ch, style=Style.NORMAL, errors="ignore", v_to_u=False)


@lru_cache(maxsize=200_000)
def pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, ü written v; non-Chinese characters are dropped."""
    head: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_READINGS:
            head, rest = SURNAME_READINGS[surname], name[len(surname) :]
            break
    syllables = head + [s for ch in rest for s in _char(ch)]
    syllables = [s.lower().replace("ü", "v") for s in syllables if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)
