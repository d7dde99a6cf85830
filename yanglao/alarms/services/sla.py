"""Writes of the SLA report: a region's own answer-time targets (the shipped ones are labelled defaults)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yanglao.alarms.errors import InvalidRule
from yanglao.alarms.models import Alarm, SlaTarget
from yanglao.core import services as core_services
from yanglao.core import tabular
from yanglao.core.errors import NotFound
from yanglao.core.models import User


@transaction.atomic
def sla_target_set(
    *, actor: User, region_code: str, within_60: Decimal, within_180: Decimal, strict_60: Decimal
) -> SlaTarget:
    """Set the targets of a region in the actor's scope (an update replaces them; django-auditlog keeps the
    old values). Within 180 s can never be a lower target than within 60 s."""
    if not actor.has_perm("alarms.change_slatarget"):
        raise PermissionDenied
    if not region_code or not actor.in_scope(region_code):
        raise NotFound()
    for name, value in (("within_60", within_60), ("within_180", within_180), ("strict_60", strict_60)):
        if not Decimal(0) < value <= Decimal(100):
            message = "目标应大于 0 且不超过 100（%）"
            raise InvalidRule(message, fields={name: message}, code="alarms.sla_target_out_of_range")
    if within_180 < within_60:
        message = "180 秒内接警率目标不能低于 60 秒内接警率目标"
        raise InvalidRule(message, fields={"within_180": message}, code="alarms.sla_target_order")
    target, _created = SlaTarget.objects.update_or_create(
        region_id=region_code,
        defaults={
            "within_60": within_60,
            "within_180": within_180,
            "strict_60": strict_60,
            "updated_by": actor,
        },
    )
    return target


SHEET_HEADERS = [
    "统计维度",
    "分组",
    "报警数",
    "60 秒内接警",
    "60 秒计入数",
    "60 秒内接警率（%）",
    "180 秒内接警",
    "180 秒计入数",
    "180 秒内接警率（%）",
    "尚在等待接警",
]


def _share_cells(share) -> list:
    return [share.met, share.counted, "" if share.percent is None else share.percent]


def sla_sheet_rows(figures) -> list[list]:
    """The report as rows of one sheet: the period and filter, the targets, the totals, then each
    breakdown, handling times and the abandoned-call share (what the page shows, figure by figure)."""
    report = figures.report
    empty = [""] * (len(SHEET_HEADERS) - 2)
    rows: list[list] = [
        ["统计期间", f"{figures.start:%Y-%m-%d} 至 {figures.end:%Y-%m-%d}", *empty],
        [
            "统计范围",
            "全部报警" if figures.scope == "all" else "求助与安全类报警（不含设备离线、电量低）",
            *empty,
        ],
        ["街道", figures.street_name(figures.street) if figures.street else "全部", *empty],
    ]
    source = "本区设定" if figures.targets.own else "系统默认值"
    for target, share, meets in figures.checks:
        verdict = "无数据" if meets is None else ("达标" if meets else "未达标")
        actual = "—" if share.percent is None else f"{share.percent}%（{share.met}/{share.counted}）"
        rows.append(
            ["目标", f"{target.label} ≥ {target.percent}%（{target.source}，{source}）：实际 {actual}，{verdict}",
             *empty]
        )  # fmt: skip
    rows.append(
        ["合计", "全部", report.total, *_share_cells(report.within_60), *_share_cells(report.within_180),
         report.within_60.pending]
    )  # fmt: skip
    for title, groups in (
        ("按时段", figures.hour_rows),
        ("按坐席", figures.operator_rows),
        ("按街道", figures.street_rows),
    ):
        for name, row, _link in groups:
            rows.append(
                [title, name, row.total, *_share_cells(row.within_60), *_share_cells(row.within_180),
                 row.within_60.pending]
            )  # fmt: skip
    resolution = report.resolution
    rows.append(["处置时长（接警至结案）", f"已结案 {resolution.count} 起", *empty])
    for label, found in (("中位数", figures.median), ("第 90 百分位", figures.p90)):
        rows.append(
            [
                "处置时长（接警至结案）",
                f"{label}：{found[0]}（报警编号 {found[1]}）" if found else f"{label}：无",
                *empty,
            ]
        )
    abandoned = report.abandoned
    percent = "无" if abandoned.percent is None else f"{abandoned.percent}%"
    rows.append(["呼损率", f"{percent}（{abandoned.met} / {abandoned.counted} 个已结束的呼入电话）", *empty])
    return rows


def sla_export_write(*, actor: User, figures, handle) -> int:
    """Write the report as .xlsx (every cell inert, core.tabular) and record one audit entry with the filter."""
    if not actor.has_perm("alarms.export_alarm_sla"):
        raise PermissionDenied
    rows = sla_sheet_rows(figures)
    written = tabular.write_xlsx(handle, sheet_name="接警服务水平", headers=SHEET_HEADERS, rows=rows)
    with transaction.atomic():
        core_services.audit_batch_record(
            actor=actor,
            action="alarm_sla.export",
            model=Alarm,
            count=figures.report.total,
            detail={
                "format": "xlsx",
                "filters": {
                    "start": figures.start.isoformat(),
                    "end": figures.end.isoformat(),
                    "scope": figures.scope,
                    **({"street": figures.street} if figures.street else {}),
                },
            },
        )
    return written
