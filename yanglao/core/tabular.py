"""Writing lists out: formula-safe cells, streamed CSV with a BOM, constant-memory .xlsx split across sheets.

Every export and report goes through here, so no cell a user typed (a name, an address) can become a live
spreadsheet formula (OWASP "CSV injection") and no export holds its rows in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

import xlsxwriter

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header row included
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> str:
    """The cell as text that no spreadsheet evaluates: a leading formula character gets a quote in front."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_stream(
    headers: list[str], rows: Iterable[Iterable[object]], *, flush_every: int = 500
) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel shows Chinese), every cell inert, yielded in blocks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow([inert(h) for h in headers])
    for n, row in enumerate(rows, start=1):
        writer.writerow([inert(cell) for cell in row])
        if n % flush_every == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(
    handle: IO[bytes] | str,
    *,
    sheet_name: str,
    headers: list[str],
    rows: Iterable[Iterable[object]],
    max_rows_per_sheet: int = MAX_SHEET_ROWS,
) -> int:
    """Write rows as text cells in constant memory; past a sheet's limit continue on "名称（2）" and so on.

    Returns the number of data rows written. Cells are written with ``write_string``, never ``write``, so
    nothing is auto-detected as a formula, number or URL.
    """
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_numbers": False})
    text = workbook.add_format({"num_format": "@"})
    # Excel's own marker for "this is text even if it looks like a formula": shown without a visible quote
    # and kept as text when the cell is edited and confirmed again.
    quoted = workbook.add_format({"num_format": "@", "quote_prefix": True})
    sheet_number, row_in_sheet, count, sheet = 1, 0, 0, None

    def new_sheet() -> Worksheet:
        name = sheet_name if sheet_number == 1 else f"{sheet_name}（{sheet_number}）"
        ws = workbook.add_worksheet(name[:31])
        for col, header in enumerate(headers):
            ws.write_string(0, col, str(header), text)
        return ws

    sheet = new_sheet()
    for row in rows:
        row_in_sheet += 1
        if row_in_sheet >= max_rows_per_sheet:
            sheet_number += 1
            sheet = new_sheet()
            row_in_sheet = 1
        for col, cell in enumerate(row):
            if cell is None or cell == "":
                continue
            value = str(cell)
            sheet.write_string(row_in_sheet, col, value, quoted if value.startswith(FORMULA_STARTS) else text)
        count += 1
    workbook.close()
    return count


class ErrorWorkbook:
    """An import's error report: 行号, 列, 原因, then the row's original cells, so a clerk can fix the file and
    upload it again. Constant memory (a million-row report never sits in memory); every cell is text and a
    cell starting like a formula is quoted, as in ``write_xlsx``. ``maskers`` (position → mask) hide ID
    numbers and phones from users without the right to see them."""

    def __init__(
        self,
        path: Path | str,
        headers: list[str],
        *,
        maskers: Mapping[int, Callable[[str], str]] | None = None,
    ):
        self.path = str(path)
        self.maskers = dict(maskers or {})
        self.workbook = xlsxwriter.Workbook(self.path, {"constant_memory": True, "strings_to_numbers": False})
        self.sheet = self.workbook.add_worksheet("错误明细")
        self.text = self.workbook.add_format({"num_format": "@"})
        self.quoted = self.workbook.add_format({"num_format": "@", "quote_prefix": True})
        for col, header in enumerate(["行号", "列", "原因", *headers]):
            self._string(0, col, header)
        self.next_row = 1

    def _string(self, row: int, col: int, value: str) -> None:
        self.sheet.write_string(
            row, col, value, self.quoted if value.startswith(FORMULA_STARTS) else self.text
        )

    def add(self, row: int | None, column: str, reason: str, cells: Sequence[object]) -> None:
        if self.next_row >= MAX_SHEET_ROWS:
            return
        if row is not None:
            self.sheet.write_number(self.next_row, 0, row)
        self._string(self.next_row, 1, column)
        self._string(self.next_row, 2, reason)
        for position, value in enumerate(cells):
            if value is None:
                continue
            text = str(value)
            masker = self.maskers.get(position)
            self._string(self.next_row, position + 3, masker(text) if masker else text)
        self.next_row += 1

    def close(self) -> str:
        self.workbook.close()
        return self.path


def template_workbook(
    title: str, columns: Sequence[tuple[str, bool, Sequence[str]]], *, key: str = ""
) -> bytes:
    """An import template from declared columns (header, required, aliases): the header row with required
    headers bold on yellow and every column formatted as text, and a "填写说明" sheet naming each column."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(title[:31] or "导入模板")
    text = workbook.add_format({"num_format": "@"})
    required = workbook.add_format({"bold": True, "bg_color": "#FDE68A", "num_format": "@"})
    for col, (header, needed, _aliases) in enumerate(columns):
        sheet.write_string(0, col, header, required if needed else text)
        sheet.set_column(col, col, 16, text)
    notes = workbook.add_worksheet("填写说明")
    notes.write_row(0, 0, ["列", "是否必有", "也接受的表头"])
    for row, (header, needed, aliases) in enumerate(columns, start=1):
        notes.write_string(row, 0, header)
        notes.write_string(row, 1, "必有" if needed else "可选")
        notes.write_string(row, 2, "、".join(aliases))
    if key:
        notes.write_string(len(columns) + 2, 0, f"按“{key}”识别已有记录；正确的行照常导入，错误行逐行报告。")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 40)
    workbook.close()
    return buffer.getvalue()
