"""The alarm list's export (core.exports): the list's own filter. It names the person and the community but
holds no phone, ID number or address, so there is no clear variant to reveal."""

from __future__ import annotations

from django.utils import timezone

from yanglao.alarms import filters
from yanglao.core import exports


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _seconds(start, end) -> str:
    return str(int((end - start).total_seconds())) if start and end else ""


HEADERS = (
    "报警编号",
    "报警时间",
    "报警类型",
    "级别",
    "老人",
    "所属社区",
    "区划代码",
    "设备编号",
    "重复次数",
    "状态",
    "升级次数",
    "接警坐席",
    "接警时间",
    "接警用时（秒）",
    "结案时间",
    "处置结果",
    "结案说明",
)


def _row(a, clear: bool, context: dict) -> list:
    return [
        a.pk,
        _when(a.raised_at),
        a.get_kind_display(),
        a.get_severity_display(),
        a.elder.name,
        a.region.name,
        a.region_id,
        a.device.serial if a.device_id else "",
        a.repeats,
        a.get_status_display(),
        a.escalation_level,
        str(a.claimed_by) if a.claimed_by_id else "",
        _when(a.claimed_at),
        _seconds(a.raised_at, a.claimed_at),
        _when(a.closed_at),
        a.get_outcome_display() if a.outcome else "",
        a.outcome_note,
    ]


ALARMS = exports.ListExport(
    kind="alarms.alarms",
    title="报警记录",
    filename="alarms",
    filterset=filters.AlarmFilterSet,
    masked_headers=HEADERS,
    clear_headers=HEADERS,
    row=_row,
    permission="alarms.view_alarm",
    audit_action="alarm.export",
)
