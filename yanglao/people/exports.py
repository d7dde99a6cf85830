"""List exports: .xlsx (constant memory) or streamed CSV with a BOM, masked unless the user may reveal.

Each export leaves one audit entry with the filter, the row count and whether numbers were in clear.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.core import services as core_services
from yanglao.core.models import User
from yanglao.people import selectors
from yanglao.people.models import Elder
from yanglao.people.reports import MAX_SHEET_ROWS

HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "公民身份号码",
    "联系电话",
    "居住地址",
    "社区",
    "社区代码",
    "居住情况",
    "经济状况",
    "特殊群体",
    "状态",
]


def _mask_address(text: str) -> str:
    return text[:6] + "****" if len(text) > 6 else "****" if text else ""


def _rows(user: User, filters: selectors.ElderFilter, clear: bool) -> Iterator[list[str]]:
    today = timezone.localdate()
    for elder in selectors.elder_list(user=user, filters=filters, today=today).iterator(chunk_size=2000):
        yield [
            elder.name,
            elder.get_gender_display(),
            elder.birth_date.isoformat(),
            str(selectors.elder_age(elder, today)),
            elder.id_number if clear else elder.id_masked,
            elder.phone if clear else elder.phone_masked,
            elder.address if clear else _mask_address(elder.address),
            elder.region.name,
            elder.region_id,
            elder.get_living_arrangement_display(),
            elder.get_economic_status_display(),
            "、".join(g.label for g in selectors.elder_groups(elder, today)),
            elder.get_status_display(),
        ]


def _audit(user: User, filters: selectors.ElderFilter, fmt: str, count: int, clear: bool) -> None:
    with transaction.atomic():
        core_services.audit_batch_record(
            actor=user,
            action="elder.export",
            model=Elder,
            count=count,
            detail={
                "format": fmt,
                "clear": clear,
                "filters": {k: v for k, v in filters.__dict__.items() if v},
            },
        )


def _check(user: User, clear: bool) -> None:
    if not user.has_perm("people.export_elder") or (clear and not user.has_perm("people.reveal_elder")):
        raise PermissionDenied


def export_xlsx(
    *, user: User, filters: selectors.ElderFilter, clear: bool = False
) -> tempfile.SpooledTemporaryFile:
    """Write the list to a temporary .xlsx (up to one sheet of rows) and return it rewound."""
    _check(user, clear)
    handle = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True})
    sheet = workbook.add_worksheet("老年人名单")
    sheet.write_row(0, 0, HEADERS)
    count = 0
    for count, row in enumerate(_rows(user, filters, clear), start=1):
        if count >= MAX_SHEET_ROWS:
            break
        sheet.write_row(count, 0, row)
    workbook.close()
    handle.seek(0)
    _audit(user, filters, "xlsx", count, clear)
    return handle


def export_csv(*, user: User, filters: selectors.ElderFilter, clear: bool = False) -> Iterator[bytes]:
    """Stream UTF-8 CSV with a BOM (so Excel shows the Chinese); the audit entry is written first."""
    _check(user, clear)
    count = selectors.elder_list(user=user, filters=filters).count()
    _audit(user, filters, "csv", count, clear)

    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff".encode()
        writer.writerow(HEADERS)
        for n, row in enumerate(_rows(user, filters, clear), start=1):
            writer.writerow(row)
            if n % 500 == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    return stream()
