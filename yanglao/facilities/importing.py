"""Import a district's facility list (.xlsx or .csv, the template's Chinese headers) on core's import
pipeline: every good row is validated with the API's ``FacilityIn`` and registered through the same service
as the form, every bad row is reported with its row number, column and reason, nothing is silently dropped.
The page is core's import page (``/imports/new/facilities/``): a job with a dry run and an error workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from yanglao.core import importing
from yanglao.core.errors import DomainError
from yanglao.core.importing import Column
from yanglao.core.models import Organisation, User
from yanglao.core.reading import cell_text
from yanglao.facilities import geo, services
from yanglao.facilities.choices import FacilityKind, OperatingModel
from yanglao.facilities.models import Facility
from yanglao.facilities.schemas import FacilityIn
from yanglao.people import dates

# The template's first row; unknown headers are ignored. ``name`` is FacilityIn's field.
DECLARED = (
    Column("name", "名称", ("设施名称",), required=True),
    Column("kind", "类型", ("设施类型",), required=True),
    Column("operator", "运营机构", ("运营单位",), required=True),
    Column("operating_model", "运营方式", (), required=True),
    Column("region_code", "区划代码", ("社区代码", "所在区划代码"), required=True),
    Column("address", "地址", ("设施地址",)),
    Column("lng", "经度", (), required=True),
    Column("lat", "纬度", (), required=True),
    Column("coordinate_system", "坐标系", ()),
    Column("phone", "电话", ("联系电话",)),
    Column("floor_area", "建筑面积", ()),
    Column("opening_hours", "开放时间", ()),
    Column("services", "服务项目", ()),
    Column("meal_capacity", "每餐供餐能力", ()),
    Column("open_to_community", "向社区开放", ()),
    Column("oxygen_supply", "供氧", ()),
    Column("star_level", "星级", ()),
    Column("licence_no", "许可或备案号", ("许可证号", "备案号")),
    Column("licence_expiry", "有效期至", ("许可有效期",)),
    Column("is_public", "公众地图显示", ()),
)
# header → (field, required): what the page and the command show of the template.
COLUMNS = {c.header: (c.name, c.required) for c in DECLARED}
FIELD_OF = {c.header: c.name for c in DECLARED}
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
    error_path: str = ""


# A number this large is a mistake, not a measurement; a float written out has at most 17 significant
# digits (a converted coordinate), so more than 20 is a mistake too.
MAX_INTEGER_DIGITS = 15
MAX_DIGITS = 20


def _number(value, header: str, unit: str) -> Decimal:
    """A numeric cell as the registry import reads it (``cell_text``: spreadsheet floats lose their ``.0``),
    refusing NaN, infinities and absurdly long numbers with a reason instead of storing or crashing."""
    text = cell_text(value)
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
    text = {name: cell_text(value) for name, value in cells.items()}
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


TITLE_ROW = importing.TITLE_ROW
NO_DATA_ROWS = importing.NO_DATA_ROWS
UNREADABLE_ROW = "此行无法读取（单元格过长或引号不配对），导入在此停止；请检查该行后重新导入其余各行"


def _start(run: importing.ImportRun) -> None:
    operators: dict[str, int] = {}
    for pk, name, credit in Organisation.objects.for_user(run.actor).values_list("pk", "name", "credit_code"):
        operators[name] = pk
        if credit:
            operators[credit.upper()] = pk
    run.state["operators"] = operators
    run.state["seen"] = set()  # (region, name) of rows kept so far: a dry run writes nothing to look up


def _problem(exc: DomainError) -> tuple[str, str]:
    return next((LABEL.get(f, f) for f in exc.fields), ""), exc.message


def _validate(run: importing.ImportRun, cells: dict[str, object]) -> tuple[dict | None, importing.Problems]:
    """Template words → field values, then the API's FacilityIn; the service checks the rest on write."""
    try:
        values = _row_values({FIELD_OF[h]: v for h, v in cells.items()}, run.state["operators"])
        values["name"] = services.facility_name_clean(values["name"])  # before it is looked up
    except RowError as exc:
        return None, [(exc.column, exc.reason)]
    except DomainError as exc:
        return None, [_problem(exc)]
    payload, problems = importing.schema_validate(run.importer, FacilityIn, values)
    if payload is None:
        return None, problems
    return payload.dict(exclude_unset=True), []


def _write(run: importing.ImportRun, good: list[importing.Row]) -> None:
    """Register each row in its own savepoint (rolled back in a dry run). The upsert rule is "create only":
    a facility already registered under the same name in the same region is refused as a duplicate."""
    for number, raw, values in good:
        key = (values["region_code"], values["name"])
        duplicate = (
            key in run.state["seen"]
            or Facility.objects.for_user(run.actor).filter(region_id=key[0], name=key[1]).exists()
        )
        if duplicate:
            run.reject(number, [("名称", "该区划内已登记同名设施")], raw)
            continue
        try:
            with transaction.atomic():
                services.facility_create(actor=run.actor, **values)
                if run.dry_run:
                    transaction.set_rollback(True)
        except DomainError as exc:
            run.reject(number, [_problem(exc)], raw)
            continue
        run.state["seen"].add(key)
        run.result.created += 1


IMPORTER = importing.Importer(
    kind="facilities",
    title="养老设施",
    columns=DECLARED,
    permission="facilities.add_facility",
    model=Facility,
    audit_action="facility.import",
    upsert_key="区划代码 + 名称",
    validate=_validate,
    write=_write,
    start=_start,
    analyze=(Facility,),
    no_rows_is_error=True,
    unreadable_row=UNREADABLE_ROW,
)


def facility_import_file(
    *, actor: User, path: Path | str, dry_run: bool = False, report_path: Path | str | None = None
) -> FacilityImportResult:
    """Register each good row; report every bad one (core's pipeline, one audit entry)."""
    result = importing.import_file(
        actor=actor, kind=IMPORTER.kind, path=path, dry_run=dry_run, report_path=report_path
    )
    return FacilityImportResult(
        rows=result.rows, created=result.created, problems=result.errors, error_path=result.error_path
    )
