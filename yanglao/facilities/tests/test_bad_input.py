"""Bad input never stored and never a server error (issue 9, 4 and 3.2, facility part): one validation in
the service serves the form, the API and the import; the import reads dates and numbers as the registry
import does, and says plainly what is wrong with a file."""

import csv
import datetime as dt

import pytest
import xlsxwriter

from yanglao.core.errors import DomainError
from yanglao.core.testing import factories as core_factories
from yanglao.facilities import errors, services
from yanglao.facilities.importing import COLUMNS, NO_DATA_ROWS, TITLE_ROW, facility_import_file
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db
HEADERS = list(COLUMNS)
OPERATOR = "输入校验运营方"


@pytest.fixture
def operator():
    return core_factories.organisation(region_code="310104003001", name=OPERATOR)


def base(operator, **kw):
    return {
        "name": "输入校验日间照料中心",
        "kind": "day_care",
        "operator_id": operator.pk,
        "operating_model": "public",
        "region_code": "310104003001",
        "lat": 31.2075,
        "lng": 121.444,
    } | kw


BAD_NAMES = [
    ("", "名称不能为空"),
    ("   \u3000 ", "名称不能为空"),
    ("敬老\x00院", "不能含控制字符"),
    ("甲" * 5000, "最多 200 个字"),
]


@pytest.mark.parametrize(("name", "text"), BAD_NAMES, ids=["blank", "spaces", "nul", "5000"])
def test_service_refuses_bad_names(street_officer, operator, name, text):
    with pytest.raises(errors.InvalidFacility, match=text) as refused:
        services.facility_create(actor=street_officer, **base(operator, name=name))
    assert refused.value.code == "facilities.invalid_facility" and "name" in refused.value.fields
    assert not Facility.objects.unscoped(reason="test").exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"floor_area": float("nan")}, "floor_area"),
        ({"floor_area": float("inf")}, "floor_area"),
        ({"floor_area": 1e308}, "floor_area"),
        ({"meal_capacity": 10**30}, "meal_capacity"),
        ({"meal_capacity": 2.5}, "meal_capacity"),
        ({"lat": float("nan")}, "lat"),
        ({"address": "路" * 301}, "address"),
        ({"phone": "1\x002"}, "phone"),
        ({"open_to_community": None}, "open_to_community"),
        ({"services": ["助餐\x00"]}, "services"),
    ],
)
def test_service_refuses_bad_values(street_officer, operator, kw, field):
    with pytest.raises(errors.InvalidFacility) as refused:
        services.facility_create(actor=street_officer, **base(operator, **kw))
    assert field in refused.value.fields


def test_update_refuses_null_and_long_names(street_officer, operator):
    facility = services.facility_create(actor=street_officer, **base(operator))
    for name in (None, "乙" * 201):
        with pytest.raises(errors.InvalidFacility):
            services.facility_update(actor=street_officer, facility_id=facility.pk, name=name)
    assert Facility.objects.unscoped(reason="test").get().name == "输入校验日间照料中心"
    tidy = services.facility_update(actor=street_officer, facility_id=facility.pk, name="  新\t名称 ")
    assert tidy.name == "新 名称"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "甲" * 5000},
        {"name": "   "},
        {"name": "a\u0000b"},
        {"name": None},
        {"address": None},
        {"open_to_community": None},
        {"floor_area": 1e308},
        {"meal_capacity": 10**20},
    ],
    ids=["5000", "spaces", "nul", "null-name", "null-address", "null-flag", "1e308", "huge-count"],
)
def test_api_answers_422_in_chinese(client, street_officer, operator, body):
    client.force_login(street_officer)
    payload = base(operator) | body
    created = client.post("/api/v1/facilities", payload, content_type="application/json")
    assert created.status_code == 422, created.content
    assert any("\u4e00" <= c <= "\u9fff" for c in created.json()["message"])
    facility = services.facility_create(actor=street_officer, **base(operator, name="已有设施"))
    patched = client.patch(f"/api/v1/facilities/{facility.pk}", body, content_type="application/json")
    assert patched.status_code == 422, patched.content
    assert Facility.objects.unscoped(reason="test").get().name == "已有设施"


def write_csv(path, rows, headers=HEADERS, title=None):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        if title:
            writer.writerow([title])
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
    return path


def row(**kw):
    return {
        "名称": "导入校验食堂",
        "类型": "社区长者食堂",
        "运营机构": OPERATOR,
        "运营方式": "公办",
        "区划代码": "310104003001",
        "经度": "121.444",
        "纬度": "31.2075",
    } | kw


def test_import_reads_dates_and_numbers_like_the_registry(tmp_path, street_officer, operator):
    rows = [
        row(名称="斜杠日期", 有效期至="2027/3/9", 星级="5.0", 每餐供餐能力="120.0"),
        row(名称="八位日期", 有效期至="20270309"),
        row(名称="中文日期", 有效期至="2027年3月9日"),
        row(名称="序列日期", 有效期至="46455"),  # Excel's serial number for 2027-03-09, read as text
    ]
    result = facility_import_file(actor=street_officer, path=write_csv(tmp_path / "dates.csv", rows))
    assert result.problems == [] and result.created == 4
    made = {f.name: f for f in Facility.objects.for_user(street_officer)}
    assert {f.licence_expiry for f in made.values()} == {dt.date(2027, 3, 9)}
    assert (made["斜杠日期"].star_level, made["斜杠日期"].meal_capacity) == (5, 120)


def test_import_reads_a_workbook_with_date_cells_and_float_numbers(tmp_path, street_officer, operator):
    path = tmp_path / "设施.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    as_date = book.add_format({"num_format": "yyyy-mm-dd"})
    values = row(名称="工作簿设施")
    for col, header in enumerate(HEADERS):
        if header in values:
            sheet.write(1, col, values[header])
    sheet.write_number(1, HEADERS.index("区划代码"), 310104003001)
    sheet.write_number(1, HEADERS.index("星级"), 4.0)
    sheet.write_datetime(1, HEADERS.index("有效期至"), dt.datetime(2027, 3, 9), as_date)
    sheet.write_row(2, 0, [values.get(h, "") for h in HEADERS])
    sheet.write_string(2, 0, "序列号日期")
    sheet.write_number(2, HEADERS.index("有效期至"), 46455)  # a serial number without a date format
    book.close()
    result = facility_import_file(actor=street_officer, path=path)
    assert result.problems == [] and result.created == 2
    made = {f.name: f for f in Facility.objects.for_user(street_officer)}
    assert made["工作簿设施"].licence_expiry == made["序列号日期"].licence_expiry == dt.date(2027, 3, 9)
    assert made["工作簿设施"].star_level == 4


def test_import_refuses_bad_numbers_and_names_per_row(tmp_path, street_officer, operator):
    rows = [
        row(名称="好设施"),  # 2
        row(名称="非数字面积", 建筑面积="NaN"),  # 3
        row(名称="无穷面积", 建筑面积="Infinity"),  # 4
        row(名称="超长数字", 每餐供餐能力="1" * 30),  # 5
        row(名称="无穷经度", 经度="inf"),  # 6
        row(名称="长纬度", 纬度="3" + "1" * 29),  # 7
        row(名称="小数星级", 星级="2.5"),  # 8
        row(名称="甲" * 5000),  # 9
        row(名称="含\x00字符"),  # 10
        row(名称="   "),  # 11
    ]
    result = facility_import_file(actor=street_officer, path=write_csv(tmp_path / "bad.csv", rows))
    assert result.created == 1
    assert [(p["row"], p["column"]) for p in result.problems] == [
        (3, "建筑面积"),
        (4, "建筑面积"),
        (5, "每餐供餐能力"),
        (6, "经度"),
        (7, "纬度"),
        (8, "星级"),
        (9, "名称"),
        (10, "名称"),
        (11, "名称"),
    ]
    reasons = [p["reason"] for p in result.problems]
    assert "最多 200 个字" in reasons[6] and "控制字符" in reasons[7]
    assert all(any("\u4e00" <= c <= "\u9fff" for c in r) for r in reasons)


def test_import_says_a_title_row_is_above_the_header(tmp_path, street_officer, operator):
    path = write_csv(tmp_path / "title.csv", [row()], title="2026 年徐汇区养老设施名单")
    with pytest.raises(DomainError) as refused:
        facility_import_file(actor=street_officer, path=path)
    assert refused.value.message == TITLE_ROW


def test_import_says_a_header_only_file_has_no_rows(tmp_path, street_officer, operator, client, settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    path = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(DomainError) as refused:
        facility_import_file(actor=street_officer, path=path)
    assert refused.value.message == NO_DATA_ROWS
    client.force_login(street_officer)
    with open(path, "rb") as f:
        page = client.post("/imports/new/facilities/", {"file": f})
    assert page.status_code == 422 and NO_DATA_ROWS in page.content.decode()


def test_import_stops_at_an_unreadable_row_without_a_server_error(tmp_path, street_officer, operator):
    path = write_csv(tmp_path / "huge.csv", [row(名称="在前"), row(名称="巨大", 地址="路" * 200_000)])
    result = facility_import_file(actor=street_officer, path=path)
    assert result.created == 1 and [p["row"] for p in result.problems] == [3]
    assert "无法读取" in result.problems[0]["reason"]
