"""List exports: .xlsx (constant memory, split across sheets) or streamed CSV with a BOM.

Masked unless the user may reveal and asked for clear text: a masked export shows ages instead of birth
dates and never decrypts the ID number (core.masking). Cells are formula-safe (core.tabular). Each export
leaves one audit entry with the filter (search text masked), the row count and whether it was in clear.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import masking, tabular
from yanglao.core import services as core_services
from yanglao.core.models import User
from yanglao.people import selectors
from yanglao.people.models import Elder

MASKED_HEADERS = [
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
]
CLEAR_HEADERS = [*MASKED_HEADERS[:2], "出生日期", *MASKED_HEADERS[2:]]


def headers(clear: bool) -> list[str]:
    return CLEAR_HEADERS if clear else MASKED_HEADERS


def _rows(user: User, filters: selectors.ElderFilter, clear: bool) -> Iterator[list[str]]:
    today = timezone.localdate()
    qs = selectors.elder_list(user=user, filters=filters, today=today)
    if not clear:
        qs = qs.defer(
            "id_number", "registered_address"
        )  # what a masked export does not show, it never decrypts
    for elder in qs.iterator(chunk_size=2000):
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
        yield row


def audit_filters(filters: selectors.ElderFilter) -> dict:
    """The filter as an audit entry may keep it: an ID number or phone typed in the search box is masked."""
    kept = {k: v for k, v in filters.__dict__.items() if v}
    if "q" in kept:
        kept["q"] = masking.mask_search_text(kept["q"])
    return kept


def _audit(user: User, filters: selectors.ElderFilter, fmt: str, count: int, clear: bool) -> None:
    with transaction.atomic():
        core_services.audit_batch_record(
            actor=user,
            action="elder.export",
            model=Elder,
            count=count,
            detail={"format": fmt, "clear": clear, "filters": audit_filters(filters)},
        )


def check(user: User, clear: bool) -> None:
    if not user.has_perm("people.export_elder") or (clear and not user.has_perm("people.reveal_elder")):
        raise PermissionDenied


def export_xlsx(*, user: User, filters: selectors.ElderFilter, clear: bool = False, handle=None):
    """Write the list to ``handle`` (a temporary file by default) and return it rewound."""
    check(user, clear)
    handle = handle or tempfile.TemporaryFile()
    count = tabular.write_xlsx(
        handle, sheet_name="老年人名单", headers=headers(clear), rows=_rows(user, filters, clear)
    )
    handle.seek(0)
    _audit(user, filters, "xlsx", count, clear)
    return handle


def export_csv(*, user: User, filters: selectors.ElderFilter, clear: bool = False) -> Iterator[bytes]:
    """Stream UTF-8 CSV with a BOM (so Excel shows the Chinese); the audit entry is written first."""
    check(user, clear)
    count = selectors.elder_list(user=user, filters=filters).count()
    _audit(user, filters, "csv", count, clear)
    return tabular.csv_stream(headers(clear), _rows(user, filters, clear))


# ---------------------------------------------------------------- as a background job (core.exports)

PROGRESS_EVERY = 5000


def _filters(params) -> selectors.ElderFilter:
    from yanglao.people.forms import ElderFilterForm

    return ElderFilterForm(params).filters()


def count(user: User, params) -> int:
    return selectors.elder_list(user=user, filters=_filters(params)).count()


def write(user: User, params, clear: bool, fmt: str, handle, progress) -> int:
    """The background job's writer: the same rows, masks and audit as the inline download."""
    check(user, clear)
    filters = _filters(params)

    written = 0

    def counted():
        nonlocal written
        for written, row in enumerate(_rows(user, filters, clear), start=1):
            if written % PROGRESS_EVERY == 0:
                progress(written)
            yield row

    if fmt == "csv":
        for block in tabular.csv_stream(headers(clear), counted()):
            handle.write(block)
    else:
        tabular.write_xlsx(handle, sheet_name="老年人名单", headers=headers(clear), rows=counted())
    _audit(user, filters, fmt, written, clear)
    return written
