"""The monthly indicator report a director hands to the district government: the overview plus, for every
indicator with a target, its child regions. As a workbook (numbers as numbers, text inert) and as a printable
page (templates/dashboard/report.html)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import xlsxwriter

from yanglao.core.models import User
from yanglao.core.tabular import inert
from yanglao.dashboard import selectors
from yanglao.dashboard.selectors import Detail, Figure, Overview


@dataclass
class Report:
    overview: Overview
    details: list[Detail]  # one per indicator with a target, children by gap


def build(*, user: User, region_code: str | None, period_text: str | None) -> Report:
    data = selectors.overview(user=user, region_code=region_code, period_text=period_text)
    details = [
        selectors.detail(
            user=user, region_code=data.region.code, period_text=str(data.period), code=f.indicator.code
        )
        for f in data.with_targets
    ]
    return Report(data, details)


HEADERS = [
    "指标代码",
    "指标",
    "单位",
    "本期值",
    "分子",
    "分母",
    "上年同期",
    "目标",
    "目标年份",
    "状态",
    "预计达标",
    "依据文件",
    "口径说明",
]


def _row(f: Figure) -> list:
    t = f.target
    projected = f.progress.projected.strftime("%Y-%m") if f.progress and f.progress.projected else ""
    return [
        f.indicator.code,
        f.indicator.name,
        f.indicator.unit,
        f.value,
        f.numerator,
        f.denominator,
        f.year_ago,
        f"{t.comparator_sign} {t.value:g}" if t else "",
        t.target_year if t else "",
        f.status_label,
        projected,
        t.source_document if t else "",
        f.indicator.definition,
    ]


def workbook(report: Report) -> bytes:
    o = report.overview
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})

    def put(sheet, r: int, c: int, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, inert(value))

    sheet = book.add_worksheet("指标总表")
    sheet.write_string(0, 0, inert(f"{o.region.name} 养老服务规划指标 {o.period}"), title)
    stamp = o.computed_at.strftime("%Y-%m-%d %H:%M") if o.computed_at else "未汇总"
    sheet.write_string(1, 0, inert(f"区划代码 {o.region.code}；数据汇总时间 {stamp}"))
    for c, h in enumerate(HEADERS):
        sheet.write_string(3, c, h, bold)
    for r, f in enumerate([*o.with_targets, *o.without_targets], start=4):
        for c, value in enumerate(_row(f)):
            put(sheet, r, c, value)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 34)
    sheet.set_column(11, 12, 50)

    sub = book.add_worksheet("下级区划")
    heads = ["指标", "区划代码", "区划", "本期值", "分子", "分母", "目标", "差距", "状态", "预计达标"]
    for c, h in enumerate(heads):
        sub.write_string(0, c, h, bold)
    r = 1
    for d in report.details:
        for kid in d.children:
            t = kid.target
            projected = (
                kid.progress.projected.strftime("%Y-%m") if kid.progress and kid.progress.projected else ""
            )
            values = [
                d.figure.indicator.name,
                kid.region.code,
                kid.region.name,
                kid.value,
                kid.numerator,
                kid.denominator,
                f"{t.comparator_sign} {t.value:g}" if t else "",
                kid.gap,
                kid.status_label,
                projected,
            ]
            for c, value in enumerate(values):
                put(sub, r, c, value)
            r += 1
    sub.set_column(0, 0, 34)
    sub.set_column(2, 2, 20)
    book.close()
    return buffer.getvalue()
