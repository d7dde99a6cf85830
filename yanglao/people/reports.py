"""Workbooks the registry writes: the import template. (Error reports are ``core.tabular.ErrorWorkbook``.)"""

from __future__ import annotations

import io

import xlsxwriter

from yanglao.people import columns


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
