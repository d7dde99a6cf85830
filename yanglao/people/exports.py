"""The registry's export, declared for core.exports: the list's own filter, masked unless revealed.

A masked export shows ages instead of birth dates and never decrypts the ID number or the registered address
(core.masking); the clear one needs the reveal right and is marked in the audit entry.
"""

from __future__ import annotations

from django.utils import timezone

from yanglao.core import exports
from yanglao.people import filters, selectors

MASKED_HEADERS = (
    "姓名",
    "性别",
    "年龄",
    "公民身份号码",
    "联系电话",
    "居住地址",
    "社区",
    "社区代码",
    "居住情况",
    "经济状况",
    "能力等级",
    "特殊群体",
    "状态",
)
CLEAR_HEADERS = (*MASKED_HEADERS[:2], "出生日期", *MASKED_HEADERS[2:])


def _row(elder, clear: bool, context: dict) -> list[str]:
    today = context["today"]
    row = [
        elder.name,
        elder.get_gender_display(),
        str(selectors.elder_age(elder, today)),
        elder.id_number if clear else elder.id_masked,
        elder.phone if clear else elder.phone_masked,
        elder.address if clear else elder.address_masked,
        elder.region.name,
        elder.region_id,
        elder.get_living_arrangement_display(),
        elder.get_economic_status_display(),
        elder.ability_state,
        "、".join(g.label for g in selectors.elder_groups(elder, today)),
        elder.get_status_display(),
    ]
    if clear:
        row.insert(2, elder.birth_date.isoformat())
    return row


def _prepare(qs, clear: bool):
    # What a masked export does not show, it never decrypts.
    return qs if clear else qs.defer("id_number", "registered_address")


ELDERS = exports.ListExport(
    kind="people.elders",
    title="老年人名单",
    filename="elders",
    filterset=filters.ElderFilterSet,
    masked_headers=MASKED_HEADERS,
    clear_headers=CLEAR_HEADERS,
    row=_row,
    permission="people.export_elder",
    reveal_permission="people.reveal_elder",
    prepare=_prepare,
    prepare_context=lambda user: {"today": timezone.localdate()},
    audit_action="elder.export",
)
