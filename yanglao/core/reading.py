"""Read an uploaded .xlsx/.xls/.ods or .csv as (headers, rows), streaming where the format allows.

Refuses whole files that cannot be read, with the reason in Chinese: empty, not a workbook, no header row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from yanglao.core.errors import ImportFileInvalid

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _csv_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileInvalid("CSV 文件编码无法识别，请另存为 UTF-8 或 GBK 编码")


def _csv_rows(text: str) -> Iterator[list[Any]]:
    """csv.reader, but a malformed file or an absurd cell (over 128 KB) is refused in Chinese with its line."""
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileInvalid(
                f"CSV 文件第 {reader.line_num} 行无法读取：单元格过长（超过 128 KB）或引号不成对，请检查文件"
            ) from exc
        yield row


def open_rows(path: Path | str) -> tuple[list[str], Iterator[list[Any]], int]:
    """Headers (trimmed text), an iterator over the data rows (lists of cell values), and the number of
    rows the file claims (blank ones included) to size the work."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFileInvalid("上传的文件是空的（0 字节）")
    suffix = path.suffix.lower()
    rows: Iterator[list[Any]]
    if suffix in SPREADSHEET_SUFFIXES:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.iter_rows()
            size = sheet.height
        except (CalamineError, OSError, ValueError) as exc:
            raise ImportFileInvalid(
                f"文件不是有效的 Excel 工作簿（{type(exc).__name__}），请确认文件未损坏"
            ) from exc
    elif suffix in {".csv", ".txt"}:
        text = _csv_text(path)
        size = text.count("\n")
        rows = _csv_rows(text)
    else:
        raise ImportFileInvalid(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件")
    for header in rows:
        headers = [str(h).strip() if h is not None else "" for h in header]
        if any(headers):
            while headers and not headers[-1]:
                headers.pop()
            return headers, rows, size
    raise ImportFileInvalid("文件中没有任何数据（连表头都没有）")


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole-number floats (how spreadsheets hand back 120 or 310104003001) lose
    their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)
