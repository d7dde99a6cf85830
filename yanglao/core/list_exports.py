"""core's list exports (core.exports): organisations. Public facts of an organisation; no contact person."""

from __future__ import annotations

from yanglao.core import exports
from yanglao.core.filters import OrganisationFilterSet

HEADERS = (
    "名称",
    "类型",
    "性质",
    "所在区划",
    "区划代码",
    "统一社会信用代码",
    "地址",
    "许可证或备案号",
    "有效期至",
)


def _row(org, clear: bool, context: dict) -> list:
    return [
        org.name,
        org.get_kind_display(),
        org.get_ownership_display(),
        org.region.name,
        org.region_id,
        org.credit_code or "",
        org.address,
        org.licence_no,
        org.licence_expiry.isoformat() if org.licence_expiry else "",
    ]


ORGANISATIONS = exports.ListExport(
    kind="core.organisations",
    title="组织机构",
    filename="organisations",
    filterset=OrganisationFilterSet,
    masked_headers=HEADERS,
    clear_headers=HEADERS,
    row=_row,
    permission="core.view_organisation",
)
