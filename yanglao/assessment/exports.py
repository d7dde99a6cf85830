"""The assessment list's export (core.exports): the list's own filter. Names and levels, never ID numbers,
answers or health details; it needs the registry's export right as well as the assessment view right."""

from __future__ import annotations

from django.utils import timezone

from yanglao.assessment import filters
from yanglao.core import exports

HEADERS = ("老人", "社区", "社区代码", "量表", "原因", "状态", "能力等级", "申请时间", "有效期至")


def _row(a, clear: bool, context: dict) -> list:
    return [
        a.elder.name,
        a.region.name,
        a.region_id,
        a.instrument_name,
        a.get_reason_display(),
        a.status_label,
        a.level_name,
        timezone.localtime(a.requested_at).strftime("%Y-%m-%d %H:%M"),
        a.valid_until.isoformat() if a.valid_until else "",
    ]


ASSESSMENTS = exports.ListExport(
    kind="assessment.assessments",
    title="能力评估名单",
    filename="assessments",
    filterset=filters.AssessmentFilterSet,
    masked_headers=HEADERS,
    clear_headers=HEADERS,
    row=_row,
    permission=("assessment.view_assessment", "people.export_elder"),
)
