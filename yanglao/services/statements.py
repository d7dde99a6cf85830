"""The settlement statement (结算单) as an ``.xlsx``: a summary sheet (the provider, the month, the figures, the
status and who made, checked and approved it) and an order sheet (one row per counted order with its exception
decision), the person's name masked (张*明) and no identity numbers or phones. Written in constant memory, the
order rows streamed from the database, every text cell made inert as in ``core.tabular``."""

from __future__ import annotations

from typing import IO

import xlsxwriter
from django.utils import timezone

from yanglao.core import masking, tabular
from yanglao.services import selectors
from yanglao.services.choices import ExceptionDecision
from yanglao.services.models import Settlement

ORDER_HEADERS = [
    "工单编号",
    "服务日期",
    "服务项目",
    "数量",
    "单价（元）",
    "政府支付（元）",
    "个人支付（元）",
    "老人",
    "异常处理",
]


def _who(user, at) -> str:
    if user is None:
        return ""
    name = str(user)
    return f"{name}（{at:%Y-%m-%d %H:%M}）" if at else name


def write(settlement: Settlement, handle: IO[bytes] | str) -> int:
    """Write the statement; returns the number of order rows."""
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_numbers": False})
    text = book.add_format({"num_format": "@"})
    quoted = book.add_format({"num_format": "@", "quote_prefix": True})
    money = book.add_format({"num_format": "0.00"})
    bold = book.add_format({"bold": True})

    def put(ws, row: int, col: int, value: object) -> None:
        if value is None or value == "":
            return
        cell = str(value)
        ws.write_string(row, col, cell, quoted if cell.startswith(tabular.FORMULA_STARTS) else text)

    summary = book.add_worksheet("结算汇总")
    summary.set_column(0, 0, 18)
    summary.set_column(1, 1, 40)
    figures = [
        ("服务机构", settlement.provider.name),
        ("结算月份", f"{settlement.month:%Y年%m月}"),
        ("状态", settlement.get_status_display()),
        ("工单数", settlement.orders),
        ("已确认工单数", settlement.confirmed),
        ("异常工单数", settlement.exceptions),
        ("政府支付（元）", settlement.government_yuan),
        ("个人支付（元）", settlement.self_pay_yuan),
        ("往月调整（元）", settlement.adjustments_yuan),
        ("本月应付合计（元）", settlement.payable_yuan),
        ("提交人", _who(settlement.submitted_by, settlement.submitted_at)),
        ("街道审核人", _who(settlement.checked_by, settlement.checked_at)),
        ("区（县）批准人", _who(settlement.approved_by, settlement.approved_at)),
    ]
    summary.write_string(0, 0, "项目", bold)
    summary.write_string(0, 1, "内容", bold)
    for row, (label, value) in enumerate(figures, start=1):
        summary.write_string(row, 0, label, text)
        if isinstance(value, int) or hasattr(value, "quantize"):
            summary.write_number(row, 1, float(value), money if hasattr(value, "quantize") else None)
        else:
            put(summary, row, 1, value)

    orders = book.add_worksheet("工单明细")
    for col, header in enumerate(ORDER_HEADERS):
        orders.write_string(0, col, header, bold)
    labels = dict(ExceptionDecision.choices)
    count = 0
    for count, line in enumerate(selectors.settlement_lines(settlement=settlement), start=1):
        orders.write_number(count, 0, line.order_id)
        put(orders, count, 1, f"{timezone.localtime(line.start):%Y-%m-%d}")
        put(orders, count, 2, line.item)
        orders.write_number(count, 3, float(line.quantity))
        orders.write_number(count, 4, float(line.unit_price), money)
        orders.write_number(count, 5, float(line.government_yuan), money)
        orders.write_number(count, 6, float(line.self_pay_yuan), money)
        put(orders, count, 7, masking.mask_name(line.person))
        decision = labels.get(line.decision, "")
        if line.decision == ExceptionDecision.CUT:
            decision = f"{decision} {line.cut_yuan} 元"
        put(orders, count, 8, decision)
    book.close()
    return count
