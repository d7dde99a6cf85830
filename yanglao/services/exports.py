"""Exports of the quality lists (core.exports): each list's own filter. Alerts and complaints name no person
(the complaint's text is not exported: it may hold names and numbers), so there is no clear variant."""

from __future__ import annotations

from django.utils import timezone

from yanglao.core import exports
from yanglao.services import filters


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


ALERT_HEADERS = (
    "编号",
    "发现时间",
    "异常类型",
    "说明",
    "工单编号",
    "服务项目",
    "预约开始时间",
    "护理员",
    "服务机构",
    "所属社区",
    "区划代码",
    "状态",
    "处理时间",
    "处理说明",
)


def _alert_row(a, clear: bool, context: dict) -> list:
    order = a.order
    return [
        a.pk,
        _when(a.raised_at),
        a.get_kind_display(),
        a.message,
        order.pk,
        order.item.name,
        _when(order.scheduled_start),
        order.caregiver.name if order.caregiver else "",
        a.provider.name,
        a.region.name,
        a.region_id,
        a.get_status_display(),
        _when(a.handled_at),
        a.note,
    ]


ALERTS = exports.ListExport(
    kind="services.alerts",
    title="服务质量异常",
    filename="service-alerts",
    filterset=filters.AlertFilterSet,
    masked_headers=ALERT_HEADERS,
    clear_headers=ALERT_HEADERS,
    row=_alert_row,
    permission="services.view_servicealert",
)

COMPLAINT_HEADERS = (
    "编号",
    "投诉时间",
    "工单编号",
    "服务项目",
    "服务机构",
    "所属社区",
    "区划代码",
    "状态",
    "答复期限",
    "答复时间",
    "办结期限",
    "办结时间",
    "办结评价",
    "重开次数",
    "升级时间",
)


def _complaint_row(c, clear: bool, context: dict) -> list:
    return [
        c.pk,
        _when(c.filed_at),
        c.order_id,
        c.order.item.name,
        c.provider.name,
        c.region.name,
        c.region_id,
        c.get_status_display(),
        c.reply_due.isoformat(),
        _when(c.replied_at),
        c.resolve_due.isoformat(),
        _when(c.resolved_at),
        c.resolution_rating or "",
        c.reopen_count,
        _when(c.escalated_at),
    ]


COMPLAINTS = exports.ListExport(
    kind="services.complaints",
    title="服务投诉",
    filename="service-complaints",
    filterset=filters.ComplaintFilterSet,
    masked_headers=COMPLAINT_HEADERS,
    clear_headers=COMPLAINT_HEADERS,
    row=_complaint_row,
    permission="services.view_complaint",
)
