"""The bank's payment file (代发文件): one fixed-width line per paid line, widths counted in bytes of the
file's encoding (GB18030 by default: a Chinese character takes two), optionally a first line with the count
and total. Pure, so a layout can be checked before a bank receives it.

A layout is data (``PaymentFileLayout.fields``): ``[{"field": "account", "width": 32, "align": "left",
"pad": " "}, …]``; amounts are written in fen (分) without a point, as banks' fixed layouts expect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

FIELDS = {
    "seq": "序号",
    "account": "银行账号",
    "holder": "户名",
    "id_number": "身份证号",
    "amount_fen": "金额（分）",
    "amount": "金额（元）",
    "month": "所属月份",
    "policy": "政策名称",
    "region": "区划代码",
}
# UNCONFIRMED: no bank's published layout was at hand; a district replaces it with its bank's (admin).
DEFAULT_LAYOUT: list[dict[str, Any]] = [
    {"field": "seq", "width": 8, "align": "right", "pad": "0"},
    {"field": "account", "width": 32, "align": "left", "pad": " "},
    {"field": "holder", "width": 20, "align": "left", "pad": " "},
    {"field": "id_number", "width": 18, "align": "left", "pad": " "},
    {"field": "amount_fen", "width": 12, "align": "right", "pad": "0"},
    {"field": "month", "width": 6, "align": "left", "pad": " "},
    {"field": "policy", "width": 20, "align": "left", "pad": " "},
]


class LayoutError(ValueError):
    """A layout that cannot be written: the message is the Chinese sentence the editor shows."""


def clean_layout(fields: Any) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields:
        raise LayoutError("代发文件至少需要一个字段")
    out = []
    for position, item in enumerate(fields, start=1):
        if not isinstance(item, dict) or item.get("field") not in FIELDS:
            raise LayoutError(f"第 {position} 个字段未知")
        width = item.get("width")
        if not isinstance(width, int) or not 1 <= width <= 200:
            raise LayoutError(f"第 {position} 个字段宽度应为 1 到 200 的整数")
        align = item.get("align", "left")
        pad = str(item.get("pad", " "))
        if align not in ("left", "right") or len(pad) != 1 or not pad.isascii():
            raise LayoutError(f"第 {position} 个字段对齐或填充字符有误")
        out.append({"field": item["field"], "width": width, "align": align, "pad": pad})
    return out


def fit(text: str, width: int, align: str, pad: str, encoding: str) -> bytes:
    """``text`` in exactly ``width`` bytes: cut at a character boundary, then padded. A cut value that
    must stay whole (an account or an amount) is refused rather than cut."""
    raw = text.encode(encoding)
    if len(raw) > width:
        cut = ""
        for char in text:
            if len((cut + char).encode(encoding)) > width:
                break
            cut += char
        raw = cut.encode(encoding)
    filler = pad.encode("ascii") * (width - len(raw))
    return filler + raw if align == "right" else raw + filler


WHOLE = ("account", "id_number", "amount_fen", "amount", "seq")


def line(layout: Sequence[Mapping[str, Any]], values: Mapping[str, str], encoding: str) -> bytes:
    parts = []
    for item in layout:
        text = values.get(item["field"], "")
        if item["field"] in WHOLE and len(text.encode(encoding)) > item["width"]:
            raise LayoutError(f"{FIELDS[item['field']]}超过代发文件规定的 {item['width']} 位")
        parts.append(fit(text, item["width"], item["align"], item["pad"], encoding))
    return b"".join(parts) + b"\r\n"


def fen(amount: Decimal) -> str:
    return str(int((amount * 100).to_integral_value()))


def render(
    layout: Sequence[Mapping[str, Any]], rows: Iterable[Mapping[str, str]], *, encoding: str, header: bool
) -> bytes:
    """The whole file. The optional first line is the count (8 digits) and the total in fen (16 digits),
    what the bank checks the body against."""
    body: list[bytes] = []
    total = Decimal(0)
    for n, row in enumerate(rows, start=1):
        total += Decimal(row["amount"])
        body.append(line(layout, {**row, "seq": str(n), "amount_fen": fen(Decimal(row["amount"]))}, encoding))
    if header:
        body.insert(0, f"{len(body):08d}{fen(total):>016}\r\n".encode("ascii"))
    return b"".join(body)
