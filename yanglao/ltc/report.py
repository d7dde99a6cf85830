"""The yearly LTC report as ``.xlsx``, in the shape of Xuhui's published table: people served at home and in
institutions, designated providers by kind, costs settled, the fund's and the persons' shares."""

from __future__ import annotations

from typing import IO

from yanglao.core import tabular
from yanglao.core.choices import OrganisationKind

KIND_LABELS = dict(OrganisationKind.choices)


def rows(figures: dict, region_name: str) -> list[list]:
    out = [
        ["区划", region_name],
        ["年度", figures["year"]],
        ["居家照护服务人数", figures["people_home"]],
        ["机构照护服务人数", figures["people_institution"]],
        ["定点服务机构数", figures["providers"]],
        *[[f"其中：{KIND_LABELS.get(k, k)}", n] for k, n in sorted(figures["providers_by_kind"].items())],
        ["结算费用（元）", figures["total_yuan"]],
        ["基金支付（元）", figures["fund_yuan"]],
        ["个人支付（元）", figures["personal_yuan"]],
        ["现金补助（元，基金支付给本人）", figures["cash_yuan"]],
        ["居家照护服务小时", figures["hours"]],
        ["机构照护人日", figures["days"]],
        [],
        ["月份", "结算费用（元）", "基金支付（元）", "个人支付（元）"],
        *[[f"{m['month']:%Y年%m月}", m["total"], m["fund"], m["personal"]] for m in figures["by_month"]],
    ]
    return out


def write(*, figures: dict, region_name: str, handle: IO[bytes]) -> int:
    table = rows(figures, region_name)
    return tabular.write_xlsx(handle, sheet_name="长护险年度报告", headers=["项目", "数值"], rows=table)
