"""Workbooks the registry writes: the import template, the error report, and list exports.

xlsxwriter in constant-memory mode writes row by row, so a million-row report never sits in memory.
"""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter

from yanglao.core import masking
from yanglao.core.tabular import MAX_SHEET_ROWS
from yanglao.people import columns

# Columns whose cells an error report masks for users without the reveal right.
MASKED_COLUMNS = {
    "公民身份号码": masking.mask_id,
    "联系电话": masking.mask_phone,
    "居住地址": masking.mask_address,
    "户籍地址": masking.mask_address,
    **{f"紧急联系人{n}电话": masking.mask_phone for n in (1, 2, 3)},
}


class ErrorWorkbook:
    """行号, 列, 原因, then the row's original cells: what a clerk needs to fix the file and re-upload it."""

    def __init__(self, path: Path | str, headers: list[str], *, masked: bool = False):
        self.path = str(path)
        self.maskers = {i: MASKED_COLUMNS[h] for i, h in enumerate(headers) if masked and h in MASKED_COLUMNS}
        self.workbook = xlsxwriter.Workbook(self.path, {"constant_memory": True, "strings_to_numbers": False})
        self.sheet = self.workbook.add_worksheet("错误明细")
        self.text = self.workbook.add_format({"num_format": "@"})
        self.sheet.write_row(0, 0, ["行号", "列", "原因", *headers])
        self.next_row = 1

    def add(self, row: int, column: str, reason: str, cells: list[object]) -> None:
        if self.next_row >= MAX_SHEET_ROWS:
            return
        self.sheet.write_number(self.next_row, 0, row)
        self.sheet.write_string(self.next_row, 1, column)
        self.sheet.write_string(self.next_row, 2, reason)
        for offset, value in enumerate(cells, start=3):
            if value is None:
                continue
            text = str(value)
            masker = self.maskers.get(offset - 3)
            self.sheet.write_string(self.next_row, offset, masker(text) if masker else text, self.text)
        self.next_row += 1

    def close(self) -> str:
        self.workbook.close()
        return self.path


def template_workbook() -> bytes:
    """The downloadable import template: the headers, one example row, and the accepted words."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("老年人信息")
    text = workbook.add_format({"num_format": "@"})
    required = workbook.add_format({"bold": True, "bg_color": "#FDE68A", "num_format": "@"})
    for col, header in enumerate(columns.ALL_HEADERS):
        sheet.write_string(0, col, header, required if header in columns.REQUIRED_HEADERS else text)
        sheet.set_column(col, col, 16, text)
    example = {
        "姓名": "张三丰",
        "公民身份号码": "310104194501011234",
        "联系电话": "13812345678",
        "居住地址": "上海市徐汇区天平路 1 弄 1 号 101 室",
        "社区代码": "310104003001",
        "居住情况": "独居",
        "经济状况": "一般",
        "紧急联系人1姓名": "张晓梅",
        "紧急联系人1关系": "女儿",
        "紧急联系人1电话": "13900001111",
        "紧急联系人1有钥匙": "是",
    }
    for col, header in enumerate(columns.ALL_HEADERS):
        sheet.write_string(1, col, example.get(header, ""), text)
    notes = workbook.add_worksheet("填写说明")
    lines = [
        (
            "黄色表头为必有列",
            "姓名、公民身份号码、社区代码、居住情况、经济状况不能为空；联系电话、居住地址可以为空",
        ),
        ("公民身份号码", "18 位（15 位旧号码自动升位）；请把该列设为文本，避免 Excel 丢失末位"),
        ("社区代码", "12 位统计用区划代码（居委会、村委会）"),
        ("居住情况", "、".join(k for k in columns.LIVING_WORDS if not k.isascii())),
        ("经济状况", "、".join(k for k in columns.ECONOMIC_WORDS if not k.isascii())),
        ("慢性病", "用逗号或顿号分隔，如：高血压、糖尿病"),
    ]
    for row, (title, text_) in enumerate(lines):
        notes.write_string(row, 0, title)
        notes.write_string(row, 1, text_)
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 90)
    workbook.close()
    return buffer.getvalue()
