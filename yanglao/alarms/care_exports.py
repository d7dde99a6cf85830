"""The visit-task list's export (core.exports): the list's own filter; phones and addresses masked unless the
user may reveal them and asks for the clear file (audited as such)."""

from __future__ import annotations

from django.utils import timezone

from yanglao.alarms import care_filters
from yanglao.core import exports
from yanglao.people.identity import age_on

MASKED_HEADERS = (
    "编号",
    "派发时间",
    "老人姓名",
    "年龄",
    "联系电话",
    "居住地址",
    "社区",
    "区划代码",
    "原因",
    "关联报警编号",
    "说明",
    "状态",
    "完成时间",
    "完成人",
    "上门情况",
)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(task, clear: bool, context: dict) -> list:
    elder = task.elder
    return [
        task.pk,
        _when(task.created_at),
        elder.name,
        age_on(elder.birth_date, context["today"]),
        elder.phone if clear else elder.phone_masked,
        elder.address if clear else elder.address_masked,
        task.region.name,
        task.region_id,
        task.get_reason_display(),
        task.alarm_id or "",
        task.note,
        task.get_status_display(),
        _when(task.closed_at),
        str(task.closed_by) if task.closed_by else "",
        task.result,
    ]


def _prepare(qs, clear: bool):
    # Never decrypt what no column shows.
    return qs.defer("elder__id_number", "elder__registered_address", "elder__medicines")


VISIT_TASKS = exports.ListExport(
    kind="alarms.visit_tasks",
    title="上门探视任务",
    filename="visit-tasks",
    filterset=care_filters.VisitTaskFilterSet,
    masked_headers=MASKED_HEADERS,
    clear_headers=MASKED_HEADERS,
    row=_row,
    permission="alarms.view_visittask",
    reveal_permission="people.reveal_elder",
    prepare=_prepare,
    prepare_context=lambda user: {"today": timezone.localdate()},
)
