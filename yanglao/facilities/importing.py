"""Import a district's facility list (.xlsx or .csv, the template's Chinese headers): every good row is
registered through the same checks as the form, every bad row is reported with its row number, column and
reason, and nothing is silently dropped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yanglao.core import dbstats
from yanglao.core.errors import DomainError
from yanglao.core.models import Organisation, User
from yanglao.core.services import audit_batch_record
from yanglao.facilities import geo, services
from yanglao.facilities.choices import FacilityKind, OperatingModel
from yanglao.facilities.models import Facility
from yanglao.people import reading

# header → (field, required). The template's first row; unknown headers are ignored.
COLUMNS = {
    "名称": ("name", True),
    "类型": ("kind", True),
    "运营机构": ("operator", True),
    "运营方式": ("operating_model", True),
    "区划代码": ("region_code", True),
    "地址": ("address", False),
    "经度": ("lng", True),
    "纬度": ("lat", True),
    "坐标系": ("coordinate_system", False),
    "电话": ("phone", False),
    "建筑面积": ("floor_area", False),
    "开放时间": ("opening_hours", False),
    "服务项目": ("services", False),
    "每餐供餐能力": ("meal_capacity", False),
    "向社区开放": ("open_to_community", False),
    "供氧": ("oxygen_supply", False),
    "星级": ("star_level", False),
    "许可或备案号": ("licence_no", False),
    "有效期至": ("licence_expiry", False),
    "公众地图显示": ("is_public", False),
}
LABEL = {fieldname: header for header, (fieldname, _) in COLUMNS.items()}
KIND_BY_LABEL = {label: value for value, label in FacilityKind.choices} | {
    "日间照护中心": "day_care",
    "助餐点": "meal_site",
    "老年助餐点": "meal_site",
    "睦邻点": "neighbourhood_point",
    "老年活动室": "neighbourhood_point",
    "社区卫生服务中心": "health_centre",
    "社区卫生服务站": "health_centre",
}
MODEL_BY_LABEL = {label: value for value, label in OperatingModel.choices}
DATUM_BY_LABEL = {"": geo.WGS84, "WGS-84": geo.WGS84, "WGS84": geo.WGS84, "GCJ-02": "gcj02", "GCJ02": "gcj02"}
DATUM_BY_LABEL |= {
    "BD-09": "bd09",
    "BD09": "bd09",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "百度": "bd09",
    "GPS": "wgs84",
}
YES = {"是", "有", "Y", "YES", "TRUE", "1"}
NO = {"否", "无", "N", "NO", "FALSE", "0", ""}


@dataclass
class FacilityImportResult:
    rows: int = 0
    created: int = 0
    problems: list[dict] = field(default_factory=list)  # {"row", "column", "reason"}


class RowError(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _row_values(cells: dict[str, object], operators: dict[str, int]) -> dict:
    """One row's cells (by field) → facility_create's arguments; RowError names the column."""
    text = {name: reading.cell_text(value) for name, value in cells.items()}
    for header, (fieldname, required) in COLUMNS.items():
        if required and not text.get(fieldname):
            raise RowError(header, "必填")
    kind = KIND_BY_LABEL.get(text["kind"]) or (text["kind"] if text["kind"] in FacilityKind.values else None)
    if kind is None:
        raise RowError("类型", f"“{text['kind']}”不是设施类型；可填：{'、'.join(FacilityKind.labels)}")
    model = MODEL_BY_LABEL.get(text["operating_model"])
    if model is None:
        raise RowError("运营方式", "应为 公办、民办 或 公建民营")
    operator = operators.get(text["operator"]) or operators.get(text["operator"].upper())
    if operator is None:
        raise RowError("运营机构", f"“{text['operator']}”未登记（填组织机构名称或统一社会信用代码）")
    datum = DATUM_BY_LABEL.get(text.get("coordinate_system", "").upper()) or DATUM_BY_LABEL.get(
        text.get("coordinate_system", "")
    )
    if datum is None:
        raise RowError("坐标系", "应为 WGS-84、GCJ-02（高德/腾讯）或 BD-09（百度）")
    values: dict = {
        "name": text["name"],
        "kind": kind,
        "operator_id": operator,
        "operating_model": model,
        "region_code": text["region_code"],
        "coordinate_system": datum,
    }
    for fieldname, label in (("lng", "经度"), ("lat", "纬度")):
        try:
            values[fieldname] = float(text[fieldname])
        except ValueError:
            raise RowError(label, "应为数字（度）") from None
    for fieldname in ("address", "phone", "opening_hours", "licence_no"):
        values[fieldname] = text.get(fieldname, "")
    if text.get("services"):
        for sep in "，,；;":
            text["services"] = text["services"].replace(sep, "、")
        values["services"] = [s.strip() for s in text["services"].split("、") if s.strip()]
    if text.get("floor_area"):
        try:
            values["floor_area"] = Decimal(text["floor_area"])
        except InvalidOperation:
            raise RowError("建筑面积", "应为数字（平方米）") from None
    for fieldname in ("meal_capacity", "star_level"):
        if text.get(fieldname):
            try:
                values[fieldname] = int(text[fieldname])
            except ValueError:
                raise RowError(LABEL[fieldname], "应为整数") from None
    for fieldname, default in (("open_to_community", False), ("oxygen_supply", False), ("is_public", True)):
        raw = text.get(fieldname, "").upper()
        if raw in YES:
            values[fieldname] = True
        elif raw in NO:
            values[fieldname] = default if raw == "" else False
        else:
            raise RowError(LABEL[fieldname], "应为 是 或 否")
    expiry = cells.get("licence_expiry")
    if isinstance(expiry, dt.datetime):
        values["licence_expiry"] = expiry.date()
    elif isinstance(expiry, dt.date):
        values["licence_expiry"] = expiry
    elif text.get("licence_expiry"):
        try:
            values["licence_expiry"] = dt.date.fromisoformat(text["licence_expiry"].replace("/", "-"))
        except ValueError:
            raise RowError("有效期至", "日期格式应为 年-月-日") from None
    return values


def facility_import_file(*, actor: User, path: Path | str) -> FacilityImportResult:
    """Register each good row (one savepoint each); report every bad one. A row naming a facility already
    registered under the same name in the same region is refused as a duplicate."""
    if not actor.has_perm("facilities.add_facility"):
        raise PermissionDenied
    headers, rows, _ = reading.open_rows(path)
    positions = {COLUMNS[h][0]: i for i, h in enumerate(headers) if h in COLUMNS}
    missing = [h for h, (f, required) in COLUMNS.items() if required and f not in positions]
    if missing:
        raise DomainError(f"表头缺少必填列：{'、'.join(missing)}（请使用设施导入模板）")
    operators: dict[str, int] = {}
    for pk, name, credit in Organisation.objects.for_user(actor).values_list("pk", "name", "credit_code"):
        operators[name] = pk
        if credit:
            operators[credit.upper()] = pk
    result = FacilityImportResult()
    for number, row in enumerate(rows, start=2):
        if reading.is_blank(row):
            continue
        result.rows += 1
        cells = {f: (row[i] if i < len(row) else None) for f, i in positions.items()}
        try:
            values = _row_values(cells, operators)
            duplicate = (
                Facility.objects.for_user(actor)
                .filter(region_id=values["region_code"], name=values["name"])
                .exists()
            )
            if duplicate:
                raise RowError("名称", "该区划内已登记同名设施")
            with transaction.atomic():
                services.facility_create(actor=actor, **values)
            result.created += 1
        except RowError as exc:
            result.problems.append({"row": number, "column": exc.column, "reason": exc.reason})
        except DomainError as exc:
            column = next((LABEL.get(f, f) for f in exc.fields), "")
            result.problems.append({"row": number, "column": column, "reason": exc.message})
    audit_batch_record(
        actor=actor,
        action="facility.import",
        model=Facility,
        count=result.created,
        detail={"file": Path(path).name, "rows": result.rows, "rejected": len(result.problems)},
    )
    if result.created:
        dbstats.analyze(Facility)
    return result
