"""Import a district's facility list (.xlsx or .csv, the template's Chinese headers): every good row is
registered through the same checks as the form, every bad row is reported with its row number, column and
reason, and nothing is silently dropped."""

from __future__ import annotations

import csv
import re
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
from yanglao.people import dates, reading
from yanglao.people.errors import ImportFileInvalid

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


# A number this large is a mistake, not a measurement; a float written out has at most 17 significant
# digits (a converted coordinate), so more than 20 is a mistake too.
MAX_INTEGER_DIGITS = 15
MAX_DIGITS = 20


def _number(value, header: str, unit: str) -> Decimal:
    """A numeric cell as the registry import reads it (``cell_text``: spreadsheet floats lose their ``.0``),
    refusing NaN, infinities and absurdly long numbers with a reason instead of storing or crashing."""
    text = reading.cell_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(header, f"“{text[:20]}”应为数字（{unit}）") from None
    if not number.is_finite():
        raise RowError(header, f"“{text[:20]}”不是有效的数字（{unit}）")
    if len(number.as_tuple().digits) > MAX_DIGITS or number.adjusted() >= MAX_INTEGER_DIGITS:
        raise RowError(header, "数字位数过多，请检查该单元格")
    return number


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
        values[fieldname] = float(_number(cells.get(fieldname), label, "度"))
    for fieldname in ("address", "phone", "opening_hours", "licence_no"):
        values[fieldname] = text.get(fieldname, "")
    if text.get("services"):
        for sep in "，,；;":
            text["services"] = text["services"].replace(sep, "、")
        values["services"] = [s.strip() for s in text["services"].split("、") if s.strip()]
    if text.get("floor_area"):
        values["floor_area"] = _number(cells["floor_area"], "建筑面积", "平方米")
    for fieldname in ("meal_capacity", "star_level"):
        if text.get(fieldname):
            number = _number(cells[fieldname], LABEL[fieldname], "整数")
            if number != number.to_integral_value():
                raise RowError(LABEL[fieldname], f"“{text[fieldname]}”应为整数")
            values[fieldname] = int(number)
    for fieldname, default in (("open_to_community", False), ("oxygen_supply", False), ("is_public", True)):
        raw = text.get(fieldname, "").upper()
        if raw in YES:
            values[fieldname] = True
        elif raw in NO:
            values[fieldname] = default if raw == "" else False
        else:
            raise RowError(LABEL[fieldname], "应为 是 或 否")
    if text.get("licence_expiry"):
        expiry = cells["licence_expiry"]
        if isinstance(expiry, str) and re.fullmatch(r"\d{1,5}(\.0+)?", expiry.strip()):
            expiry = float(expiry)  # an Excel serial date that came through CSV as text
        try:
            values["licence_expiry"] = dates.parse_date(expiry)
        except ValueError as exc:
            raise RowError("有效期至", str(exc)) from None
    return values


TITLE_ROW = "第 1 行像是标题行，请删除标题行，使表头位于第一行"
NO_DATA_ROWS = "文件中只有表头，没有数据行"
UNREADABLE_ROW = "此行无法读取（单元格过长或引号不配对），导入在此停止；请检查该行后重新导入其余各行"


def _numbered(rows):
    """Data rows with their row number in the file (the header is row 1). A row the CSV reader cannot read
    (a cell over its field limit, a broken quote) comes as ``None`` and ends the reading, never a 500."""
    number = 1
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except (csv.Error, ImportFileInvalid):  # people.reading names the line; here the row is reported
            yield number, None
            return
        yield number, row


def facility_import_file(*, actor: User, path: Path | str) -> FacilityImportResult:
    """Register each good row (one savepoint each); report every bad one. A row naming a facility already
    registered under the same name in the same region is refused as a duplicate."""
    if not actor.has_perm("facilities.add_facility"):
        raise PermissionDenied
    headers, rows, _ = reading.open_rows(path)
    positions = {COLUMNS[h][0]: i for i, h in enumerate(headers) if h in COLUMNS}
    missing = [h for h, (f, required) in COLUMNS.items() if required and f not in positions]
    if missing:
        following = next((row for _, row in _numbered(rows)), None) or []
        if any(str(cell or "").strip() in COLUMNS for cell in following):
            raise DomainError(TITLE_ROW)
        raise DomainError(f"表头缺少必填列：{'、'.join(missing)}（请使用设施导入模板）")
    operators: dict[str, int] = {}
    for pk, name, credit in Organisation.objects.for_user(actor).values_list("pk", "name", "credit_code"):
        operators[name] = pk
        if credit:
            operators[credit.upper()] = pk
    result = FacilityImportResult()
    for number, row in _numbered(rows):
        if row is None:
            result.problems.append({"row": number, "column": "", "reason": UNREADABLE_ROW})
            break
        if reading.is_blank(row):
            continue
        result.rows += 1
        cells = {f: (row[i] if i < len(row) else None) for f, i in positions.items()}
        try:
            values = _row_values(cells, operators)
            values["name"] = services.facility_name_clean(values["name"])  # before it is looked up
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
    if result.rows == 0 and not result.problems:
        raise DomainError(NO_DATA_ROWS)
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
