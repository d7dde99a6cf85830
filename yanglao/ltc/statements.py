"""The LTC statement (长护险结算单) as ``.xlsx``: a summary sheet and one row per care plan, the person's name
masked, no identity numbers; every text cell inert (``core.tabular``). One audit entry per download."""

from __future__ import annotations

from typing import IO

from yanglao.core import audit, masking, tabular
from yanglao.core.models import User
from yanglao.ltc.models import LtcSettlement, LtcSettlementLine

HEADERS = [
    "老人",
    "照护方式",
    "照护等级",
    "计划上门",
    "已上门",
    "未上门",
    "时长不足",
    "结算小时",
    "机构天数",
    "费用（元）",
    "基金支付（元）",
    "个人支付（元）",
    "待审暂缓（元）",
    "现金补助（元）",
]


def write(*, actor: User, settlement: LtcSettlement, handle: IO[bytes]) -> int:
    summary = [
        ("定点服务机构", settlement.provider.name),
        ("结算月份", f"{settlement.month:%Y年%m月}"),
        ("状态", settlement.get_status_display()),
        ("照护计划数", settlement.plans),
        ("居家照护人数", settlement.people_home),
        ("机构照护人数", settlement.people_institution),
        ("计划上门次数", settlement.planned_visits),
        ("已完成上门次数", settlement.delivered_visits),
        ("未上门次数", settlement.missed_visits),
        ("时长不足次数", settlement.short_visits),
        ("结算服务小时", settlement.hours),
        ("机构照护人日", settlement.days),
        ("结算费用（元）", settlement.total_yuan),
        ("基金支付（元）", settlement.fund_yuan),
        ("个人支付（元）", settlement.personal_yuan),
        ("待审暂缓（元）", settlement.held_yuan),
        ("现金补助（元，基金支付给本人）", settlement.cash_yuan),
    ]
    lines = (
        LtcSettlementLine.objects.unscoped(reason="the statement's own lines, checked by the caller")
        .filter(settlement=settlement)
        .select_related("elder")
        .order_by("pk")
    )
    rows = [["项目", "数值"], *[[k, v] for k, v in summary], [], HEADERS]
    rows += [
        [
            masking.mask_name(ln.elder.name),
            ln.get_setting_display(),
            ln.care_level,
            ln.planned_visits,
            ln.delivered_visits,
            ln.missed_visits,
            ln.short_visits,
            ln.hours,
            ln.days,
            ln.total_yuan,
            ln.fund_yuan,
            ln.personal_yuan,
            ln.held_yuan,
            ln.cash_yuan,
        ]
        for ln in lines.iterator(chunk_size=2000)
    ]
    count = tabular.write_xlsx(handle, sheet_name="长护险结算单", headers=rows[0], rows=rows[1:])
    audit.record(actor=actor, action="ltc.statement", obj=settlement, detail={"rows": count})
    return count
