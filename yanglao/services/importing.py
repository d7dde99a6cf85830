"""Load a region's basic elderly-care service list (基本养老服务清单) as data, on core's import pipeline
(``/imports/new/services.basic_list/``): one row per list item, the list named on every row by its region and
effective date. The national list's rows could not be confirmed from public text, so a list is loaded from the
official attachment and marked confirmed only when the file says so (已核实 = 是)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from pydantic import Field, field_validator

from yanglao.core import importing
from yanglao.core.importing import Column
from yanglao.core.reading import cell_text
from yanglao.core.schemas import InSchema
from yanglao.people import dates, groups
from yanglao.services.choices import ListCategory, Payer
from yanglao.services.models import BasicServiceList, BasicServiceListRow, ServiceItem

DECLARED = (
    Column("region_code", "区划代码", ("清单区划代码",), required=True),
    Column("effective_from", "施行日期", ("生效日期",), required=True),
    Column("title", "清单名称", (), required=True),
    Column("source", "依据文件", ("文件",)),
    Column("confirmed", "已核实", ()),
    Column("position", "序号", (), required=True),
    Column("category", "类别", (), required=True),
    Column("name", "服务项目", ("项目",), required=True),
    Column("item_code", "服务目录编码", ()),
    Column("target_groups", "服务对象", ("对象",)),
    Column("min_ability_level", "最低能力等级", ()),
    Column("monthly_hours", "每月服务时长", ("每月小时",)),
    Column("monthly_yuan", "每月金额", ()),
    Column("frequency", "频次或标准", ("服务标准",)),
    Column("payer", "支付方", (), required=True),
)
FIELD_OF = {c.header: c.name for c in DECLARED}
CATEGORY = {label: value for value, label in ListCategory.choices}
PAYER = {label: value for value, label in Payer.choices} | {"政府购买": "government", "个人支付": "person"}
GROUP = {g.label: g.code for g in groups.GROUPS}
YES = {"是", "已核实", "true", "1", "y", "yes"}


class BasicListRowIn(InSchema):
    region_code: str = Field(..., pattern=r"^\d{12}$")
    effective_from: dt.date
    title: str = Field(..., min_length=1, max_length=200)
    source: str = Field("", max_length=300)
    confirmed: bool = False
    position: int = Field(..., ge=1, le=999)
    category: str
    name: str = Field(..., min_length=1, max_length=100)
    item_code: str = Field("", max_length=20)
    target_groups: list[str] = []
    min_ability_level: int | None = Field(None, ge=0, le=4)
    monthly_hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    monthly_yuan: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    frequency: str = Field("", max_length=100)
    payer: str

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in ListCategory.values:
            raise ValueError("类别应为 物质帮助、照护服务 或 关爱服务")
        return value

    @field_validator("payer")
    @classmethod
    def _payer(cls, value: str) -> str:
        if value not in Payer.values:
            raise ValueError("支付方应为 政府、政府与个人分担 或 个人")
        return value

    @field_validator("target_groups")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in groups.BY_CODE]
        if unknown:
            raise ValueError("服务对象应为特殊群体名称（如 高龄、独居、特困），以“、”分隔")
        return value


def _values(cells: dict[str, object]) -> dict[str, object]:
    """Template words → field values; the schema judges them."""
    text = {name: cell_text(cells.get(name)) for name in (c.name for c in DECLARED)}
    out: dict[str, object] = {k: v for k, v in text.items() if v != ""}
    if "effective_from" in out:
        try:
            out["effective_from"] = dates.parse_date(cells.get("effective_from"))
        except ValueError:
            pass  # the schema reports the text it could not read as a date
    out["category"] = CATEGORY.get(text["category"], text["category"])
    out["payer"] = PAYER.get(text["payer"], text["payer"])
    out["confirmed"] = text["confirmed"].lower() in YES
    labels = [
        p.strip()
        for p in text["target_groups"].replace("，", "、").replace(",", "、").split("、")
        if p.strip()
    ]
    out["target_groups"] = [GROUP.get(label, label) for label in labels]
    return out


def _validate(run: importing.ImportRun, cells: dict[str, object]) -> tuple[dict | None, importing.Problems]:
    values = _values({FIELD_OF[h]: v for h, v in cells.items()})
    payload, problems = importing.schema_validate(run.importer, BasicListRowIn, values)
    if payload is None:
        return None, problems
    data = payload.model_dump()
    if not run.actor.in_scope(data["region_code"]):
        return None, [("区划代码", "该区划不在您的管辖范围内")]
    if data["item_code"] and data["item_code"] not in run.state["items"]:
        return None, [("服务目录编码", "服务目录中没有该编码")]
    return data, []


def _start(run: importing.ImportRun) -> None:
    run.state["items"] = dict(ServiceItem.objects.values_list("code", "pk"))


def _write(run: importing.ImportRun, good: list[importing.Row]) -> None:
    """Upsert by (region, effective date, position): loading the same file twice changes nothing."""
    with transaction.atomic():
        for _number, _raw, v in good:
            service_list, _ = BasicServiceList.objects.unscoped(
                reason="import writes in checked scope"
            ).update_or_create(
                region_id=v["region_code"],
                effective_from=v["effective_from"],
                defaults={"title": v["title"], "source": v["source"], "confirmed": v["confirmed"]},
            )
            fields = {
                k: v[k]
                for k in (
                    "category",
                    "name",
                    "target_groups",
                    "min_ability_level",
                    "monthly_hours",
                    "monthly_yuan",
                )
            } | {
                "frequency": v["frequency"],
                "payer": v["payer"],
                "item_id": run.state["items"].get(v["item_code"]),
            }
            _row, made = BasicServiceListRow.objects.update_or_create(
                service_list=service_list, position=v["position"], defaults=fields
            )
            if made:
                run.result.created += 1
            else:
                run.result.updated += 1
        if run.dry_run:
            transaction.set_rollback(True)


IMPORTER = importing.Importer(
    kind="basic_list",
    title="基本养老服务清单",
    columns=DECLARED,
    permission="services.add_basicservicelist",
    model=BasicServiceList,
    audit_action="basic_list.import",
    upsert_key="区划代码 + 施行日期 + 序号",
    validate=_validate,
    write=_write,
    start=_start,
    no_rows_is_error=True,
)
