"""The LTC claims list as ``.xlsx`` / CSV (core.exports): names as the page shows them, no identity numbers."""

from __future__ import annotations

from yanglao.core import exports
from yanglao.ltc import filters

HEADERS = (
    "申请编号",
    "申请时间",
    "老人",
    "所属社区",
    "申请方式",
    "照护方式",
    "照护等级",
    "等级有效期至",
    "状态",
)


def _row(a, clear: bool, context: dict) -> list:
    return [
        a.pk,
        f"{a.submitted_at:%Y-%m-%d %H:%M}",
        a.elder.name,
        a.region.name,
        a.get_applicant_display(),
        a.get_setting_display(),
        f"照护{a.care_level}级" if a.care_level else "",
        f"{a.valid_until:%Y-%m-%d}" if a.valid_until else "",
        a.get_status_display(),
    ]


APPLICATIONS = exports.ListExport(
    kind="ltc.applications",
    title="长护险申请",
    filename="ltc-applications",
    filterset=filters.LtcApplicationFilterSet,
    masked_headers=HEADERS,
    clear_headers=HEADERS,
    row=_row,
    permission="ltc.view_ltcapplication",
)
