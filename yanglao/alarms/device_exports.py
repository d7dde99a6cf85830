"""Exports of the device register and the call records (core.exports), each through its list's own filter.
Neither needs a clear variant: a device row names the person but holds no ID number, phone or key, and a
call's number is always masked (revealing a number is the console's audited action)."""

from __future__ import annotations

from django.utils import timezone

from yanglao.alarms.device_filters import CallFilterSet, DeviceFilterSet
from yanglao.alarms.selectors.calls import call_row
from yanglao.core import exports


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


DEVICE_HEADERS = (
    "设备编号",
    "设备类型",
    "状态",
    "在线",
    "电量（%）",
    "最近在线",
    "型号",
    "固件版本",
    "心跳间隔（秒）",
    "安装日期",
    "使用老人",
    "所属社区",
    "区划代码",
    "运维机构",
    "登记时间",
)


def _device_row(d, clear: bool, context: dict) -> list:
    return [
        d.serial,
        d.get_kind_display(),
        d.get_status_display(),
        "是" if d.online else "否",
        "" if d.battery is None else d.battery,
        _when(d.last_seen_at),
        d.model_name,
        d.firmware,
        d.heartbeat_seconds,
        d.installed_on.isoformat() if d.installed_on else "",
        d.elder.name,
        d.region.name,
        d.region_id,
        d.provider.name if d.provider else "",
        _when(d.created_at),
    ]


DEVICES = exports.ListExport(
    kind="alarms.devices",
    title="智能设备",
    filename="devices",
    filterset=DeviceFilterSet,
    masked_headers=DEVICE_HEADERS,
    clear_headers=DEVICE_HEADERS,
    row=_device_row,
    permission="alarms.view_device",
    audit_action="device.export",
)

CALL_HEADERS = (
    "话单编号",
    "方向",
    "号码（脱敏）",
    "老人",
    "坐席",
    "振铃时间",
    "接听时间",
    "挂断时间",
    "等待时长（秒）",
    "通话时长（秒）",
    "状态",
    "所属社区",
    "区划代码",
    "报警编号",
)


def _call_row(c, clear: bool, context: dict) -> list:
    shown = call_row(c)
    return [
        c.external_id,
        c.get_direction_display(),
        shown.number_masked,
        c.elder.name if c.elder else "",
        str(c.operator) if c.operator else "",
        _when(c.ringing_at),
        _when(c.answered_at),
        _when(c.ended_at),
        "" if shown.wait_seconds is None else shown.wait_seconds,
        "" if shown.talk_seconds is None else shown.talk_seconds,
        shown.state_label,
        c.region.name,
        c.region_id,
        c.alarm_id or "",
    ]


CALLS = exports.ListExport(
    kind="alarms.calls",
    title="通话记录",
    filename="calls",
    filterset=CallFilterSet,
    masked_headers=CALL_HEADERS,
    clear_headers=CALL_HEADERS,
    row=_call_row,
    permission="alarms.view_callrecord",
    audit_action="call.export",
)
