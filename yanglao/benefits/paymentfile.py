"""The approved batch's files for the bank: the fixed-width payment file in the region's layout and the same
lines as ``.xlsx``. Both hold account numbers and identity numbers in clear (the bank needs them): only a
holder of ``benefits.export_paymentbatch`` within the batch's region gets them, and each download is one
audit entry with the batch and the line count, never the lines."""

from __future__ import annotations

from typing import IO

from yanglao.benefits import bankfile, selectors
from yanglao.benefits.models import PaymentBatch, PaymentFileLayout
from yanglao.core import audit, divisions, tabular
from yanglao.core.models import User

XLSX_HEADERS = [
    "序号",
    "户名",
    "开户银行",
    "银行账号",
    "身份证号",
    "老人姓名",
    "金额（元）",
    "所属月份",
    "补贴项目",
    "区划代码",
]


def layout_for(region_code: str) -> tuple[list[dict], str, bool]:
    """The nearest layout at or above the region, else the default."""
    found = {
        lay.region_id: lay
        for lay in PaymentFileLayout.objects.unscoped(reason="file layouts are settings").filter(
            region__in=divisions.ancestors_and_self(region_code)
        )
    }
    for code in divisions.ancestors_and_self(region_code):
        if code in found:
            lay = found[code]
            return bankfile.clean_layout(lay.fields), lay.encoding, lay.header
    return bankfile.DEFAULT_LAYOUT, "gb18030", True


def write_bank_file(*, actor: User, batch: PaymentBatch) -> tuple[bytes, int]:
    layout, encoding, header = layout_for(batch.region_id)
    rows = list(selectors.batch_lines_for_file(batch=batch))
    data = bankfile.render(layout, rows, encoding=encoding, header=header)
    audit.record(
        actor=actor, action="benefits.bank_file", obj=batch, detail={"lines": len(rows), "format": "fixed"}
    )
    return data, len(rows)


def write_workbook(*, actor: User, batch: PaymentBatch, handle: IO[bytes]) -> int:
    rows = (
        [
            n,
            r["holder"],
            r["bank"],
            r["account"],
            r["id_number"],
            r["name"],
            r["amount"],
            r["month"],
            r["policy"],
            r["region"],
        ]
        for n, r in enumerate(selectors.batch_lines_for_file(batch=batch), start=1)
    )
    count = tabular.write_xlsx(
        handle, sheet_name=f"{batch.month:%Y年%m月}代发", headers=XLSX_HEADERS, rows=rows
    )
    audit.record(
        actor=actor, action="benefits.bank_file", obj=batch, detail={"lines": count, "format": "xlsx"}
    )
    return count
