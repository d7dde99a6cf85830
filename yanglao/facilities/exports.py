"""The facility list's export (core.exports): the list's own filter; nothing personal, so no clear variant."""

from __future__ import annotations

from yanglao.core import exports
from yanglao.facilities import filters

HEADERS = (
    "名称",
    "类型",
    "所在区划",
    "区划代码",
    "运营机构",
    "运营方式",
    "地址",
    "电话",
    "床位",
    "入住",
    "空余",
    "许可或备案号",
    "有效期至",
    "许可状态",
    "纬度（WGS-84）",
    "经度（WGS-84）",
)


def _row(f, clear: bool, context: dict) -> list:
    return [
        f.name,
        f.get_kind_display(),
        f.region.name,
        f.region_id,
        f.operator.name,
        f.get_operating_model_display(),
        f.address,
        f.phone,
        f.beds_total,
        f.beds_occupied,
        f.beds_vacant,
        f.licence_no,
        f.licence_expiry.isoformat() if f.licence_expiry else "",
        f.licence.label,
        f.lat,
        f.lng,
    ]


FACILITIES = exports.ListExport(
    kind="facilities.facilities",
    title="养老设施",
    filename="facilities",
    filterset=filters.FacilityFilterSet,
    masked_headers=HEADERS,
    clear_headers=HEADERS,
    row=_row,
    permission="facilities.view_facility",
)
