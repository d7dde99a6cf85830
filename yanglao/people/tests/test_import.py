"""Importing elders: every bad input the issue names, upsert by ID number, every bad row reported.

Workbooks are written with xlsxwriter the way Excel stores cells (numbers, dates), then read back through
calamine exactly as an upload would be.
"""

import datetime as dt
import json

import pytest
import xlsxwriter
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from yanglao.core import idcard
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.people import columns, errors, services
from yanglao.people.models import Elder, EmergencyContact, LifeEvent

pytestmark = pytest.mark.django_db
HEADERS = list(columns.REQUIRED_HEADERS)


def ident(day: int, seq: int = 1) -> str:
    return idcard.make("310104", dt.date(1944, 1, day), seq)


def row(**cells):
    base = {
        "姓名": "张三丰",
        "公民身份号码": ident(1),
        "联系电话": "13812345678",
        "居住地址": "天平路 1 号",
        "社区代码": "310104003001",
        "居住情况": "独居",
        "经济状况": "一般",
    }
    return base | cells


def write_xlsx(path, rows, headers=HEADERS):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers)
    for r, cells in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = cells.get(header)
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def write_csv(path, rows, headers=HEADERS, encoding="utf-8-sig"):
    lines = [",".join(headers)] + [",".join(str(r.get(h, "")) for h in headers) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.fixture
def officer(street_officer):
    return street_officer


def run(officer, path, **kw):
    return services.elder_import_file(actor=officer, path=path, **kw)


def reasons(result):
    return {(e["row"], e["column"]): e["reason"] for e in result.errors}


def test_good_rows_are_kept_and_bad_rows_reported_by_row_and_column(tmp_path, officer):
    rows = [
        row(),
        row(姓名="李四", 公民身份号码=ident(2)[:17] + ("0" if ident(2)[17] != "0" else "1")),  # wrong check
        row(姓名="王五", 公民身份号码="310104" + "19990230" + "123X"),  # impossible date
        row(姓名="赵六", 公民身份号码=idcard.make("310104", dt.date(2030, 1, 1), 3)),  # future
        row(姓名="", 公民身份号码=ident(5)),  # empty required cell
        row(姓名="钱七", 公民身份号码=ident(6), 社区代码="310104999001"),  # unknown community
        row(姓名="孙八", 公民身份号码=ident(7), 居住情况="住院"),  # unknown word
        row(姓名="周九", 公民身份号码=ident(8), 联系电话="12345"),
        row(姓名="吴十", 公民身份号码=ident(1)),  # duplicate of row 2
    ]
    result = run(officer, write_xlsx(tmp_path / "messy.xlsx", rows))
    assert (result.rows, result.created, result.rejected) == (9, 1, 8)
    found = reasons(result)
    assert "校验位" in found[(3, "公民身份号码")]
    assert "不是真实的日期" in found[(4, "公民身份号码")]
    assert "晚于今天" in found[(5, "公民身份号码")]
    assert found[(6, "姓名")] == "不能为空"
    assert "310104999001 不存在" in found[(7, "社区代码")]
    assert "住院" in found[(8, "居住情况")]
    assert "格式不正确" in found[(9, "联系电话")]
    assert "与第 2 行重复（保留第 2 行）" in found[(10, "公民身份号码")]
    assert Elder.objects.unscoped(reason="test").get().name == "张三丰"


def test_reimport_is_idempotent_and_changes_are_updates(tmp_path, officer):
    path = write_xlsx(tmp_path / "a.xlsx", [row(), row(姓名="李四", 公民身份号码=ident(2))])
    first = run(officer, path)
    again = run(officer, path)
    assert (first.created, again.created, again.unchanged, again.updated) == (2, 0, 2, 0)
    changed = run(
        officer,
        write_xlsx(
            tmp_path / "b.xlsx",
            [row(居住情况="纯老"), row(姓名="李四", 公民身份号码=ident(2), 社区代码="310104003002")],
        ),
    )
    assert (changed.updated, changed.unchanged, changed.created) == (2, 0, 0)
    moved = Elder.objects.unscoped(reason="test").get(name="李四")
    assert moved.region_id == "310104003002"
    assert LifeEvent.objects.unscoped(reason="test").filter(elder=moved, kind="move").count() == 1
    assert Elder.objects.unscoped(reason="test").count() == 2


def test_excel_mangled_ids_full_width_and_fifteen_digits(tmp_path, officer):
    with_x = next(
        idcard.make("310104", dt.date(1944, 2, 2), s)
        for s in range(999)
        if idcard.make("310104", dt.date(1944, 2, 2), s).endswith("X")
    )
    good = ident(3)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in good)
    old = ident(4)[:6] + ident(4)[8:17]
    rows = [
        row(公民身份号码=int(with_x[:17])),  # Excel dropped the X: a 17-digit number
        row(姓名="李四", 公民身份号码=float(ident(9))),  # stored as a number: scientific notation
        row(姓名="王五", 公民身份号码=f" {wide[:9]} {wide[9:]} "),
        row(姓名="赵六", 公民身份号码=int(old)),  # 15 digits as a number
        row(姓名="钱七", 公民身份号码=with_x.lower()),
        row(
            姓名="孙八", 公民身份号码=ident(10), 居住地址=dt.date(2024, 1, 2)
        ),  # a date cell in a text column
    ]
    result = run(officer, write_xlsx(tmp_path / "excel.xlsx", rows))
    found = reasons(result)
    assert "末位 X 已丢失" in found[(2, "公民身份号码")]
    assert "科学计数法" in found[(3, "公民身份号码")]
    assert "日期或时间格式" in found[(7, "居住地址")]
    stored = {e.name: e.id_number for e in Elder.objects.unscoped(reason="test")}
    assert stored == {"王五": good, "赵六": ident(4), "钱七": with_x}


def test_community_code_stored_as_a_number_is_accepted(tmp_path, officer):
    result = run(officer, write_xlsx(tmp_path / "n.xlsx", [row(社区代码=310104003001)]))
    assert result.created == 1, result.errors


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (b"", ".xlsx", "0 字节"),
        (b"this is not a workbook at all", ".xlsx", "不是有效的 Excel 工作簿"),
        (b"\n\n", ".csv", "没有任何数据"),
        (b"whatever", ".pdf", "不支持的文件类型"),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, officer, content, suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(errors.ImportFileInvalid, match=message):
        run(officer, path)


def test_wrong_headers_are_refused_with_the_expected_list(tmp_path, officer):
    path = write_csv(tmp_path / "h.csv", [{"名字": "张三"}], headers=["名字", "身份证", "电话"])
    with pytest.raises(errors.WrongHeaders) as caught:
        run(officer, path)
    for header in columns.REQUIRED_HEADERS:
        assert header in caught.value.message


def test_header_only_file_imports_nothing(tmp_path, officer):
    result = run(officer, write_csv(tmp_path / "e.csv", []))
    assert (result.rows, result.created, result.rejected) == (0, 0, 0)


def test_csv_in_gbk_and_optional_columns(tmp_path, officer):
    headers = [
        *HEADERS,
        "紧急联系人1姓名",
        "紧急联系人1电话",
        "紧急联系人1有钥匙",
        "慢性病",
        "残疾类别",
        "残疾等级",
    ]
    cells = row(
        紧急联系人1姓名="张晓梅",
        紧急联系人1电话="13900001111",
        紧急联系人1有钥匙="是",
        慢性病="高血压、糖尿病",
        残疾类别="肢体",
        残疾等级="二级",
    )
    result = run(officer, write_csv(tmp_path / "g.csv", [cells], headers=headers, encoding="gb18030"))
    assert result.created == 1, result.errors
    elder = Elder.objects.unscoped(reason="test").get()
    assert elder.chronic_conditions == ["diabetes", "hypertension"]
    assert (elder.disability_category, elder.disability_grade) == ("physical", 2)
    contact = EmergencyContact.objects.get(elder=elder)
    assert (contact.name, contact.phone, contact.has_key) == ("张晓梅", "13900001111", True)


def test_scope_rows_outside_the_street_are_rejected(tmp_path, officer):
    other = core_factories.user(role=Role.GOVERNMENT, regions=["310104004000"])
    run(other, write_xlsx(tmp_path / "o.xlsx", [row(社区代码="310104004001", 公民身份号码=ident(11))]))
    result = run(
        officer,
        write_xlsx(
            tmp_path / "s.xlsx", [row(社区代码="310104004003"), row(姓名="已在他处", 公民身份号码=ident(11))]
        ),
    )
    found = reasons(result)
    assert "不在您的管辖范围内" in found[(2, "社区代码")]
    assert "已在其他辖区登记" in found[(3, "公民身份号码")]


def test_dry_run_writes_nothing(tmp_path, officer):
    result = run(officer, write_xlsx(tmp_path / "d.xlsx", [row()]), dry_run=True)
    assert result.created == 1
    assert not Elder.objects.unscoped(reason="test").exists()


def test_error_workbook_lists_every_bad_row(tmp_path, officer):
    rows = [row(姓名="", 公民身份号码=ident(n)) for n in range(1, 21)]
    result = run(officer, write_xlsx(tmp_path / "many.xlsx", rows), report_path=tmp_path / "errors.xlsx")
    sheet = CalamineWorkbook.from_path(result.error_path).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["行号", "列", "原因"]
    assert [int(r[0]) for r in sheet[1:]] == list(range(2, 22))


def test_cli_json_output(tmp_path, officer, capsys):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password="Root-password-1")
    path = write_xlsx(tmp_path / "c.xlsx", [row(), row(姓名="", 公民身份号码=ident(2))])
    call_command("import_elders", str(path), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "errors": [{"row": 3, "column": "姓名", "reason": "不能为空"}],
        "errors_truncated": False,
        "errors_total": 1,
    }
    call_command("import_elders", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1


def test_death_list_marks_people_and_reports_unmatched(tmp_path, officer):
    run(officer, write_xlsx(tmp_path / "p.xlsx", [row(), row(姓名="李四", 公民身份号码=ident(2))]))
    deaths = [
        {"公民身份号码": ident(1), "姓名": "张三丰", "死亡日期": dt.date(2026, 3, 1)},
        {"公民身份号码": ident(2), "姓名": "李四", "死亡日期": 46000},  # an Excel serial number
        {"公民身份号码": ident(20), "姓名": "查无此人", "死亡日期": "2026-01-02"},
        {"公民身份号码": ident(3), "姓名": "日期坏", "死亡日期": "2026-02-30"},
    ]
    path = write_xlsx(tmp_path / "deaths.xlsx", deaths, headers=list(columns.DEATH_HEADERS))
    result = services.death_list_import(actor=officer, path=path)
    assert result.updated == 2 and len(result.unmatched) == 1 and result.unmatched[0].endswith(ident(20)[-4:])
    assert "不是真实的日期" in reasons(result)[(5, "死亡日期")]
    dead = Elder.objects.unscoped(reason="test").get(name="张三丰")
    assert (dead.status, dead.death_date) == ("deceased", dt.date(2026, 3, 1))
    again = services.death_list_import(actor=officer, path=path)
    assert again.unchanged == 2 and again.updated == 0
    # A deceased person is not brought back by a later import.
    result = run(officer, write_xlsx(tmp_path / "back.xlsx", [row()]))
    assert "已登记死亡" in reasons(result)[(2, "公民身份号码")]


def test_parallel_validation_process_gives_the_same_result(tmp_path, officer):
    """The spawned validation process (used for large files) agrees with inline validation row for row."""
    rows = [row(姓名=f"并行{n}", 公民身份号码=ident(n)) for n in range(1, 21)]
    rows += [
        row(姓名="", 公民身份号码=ident(22)),
        row(姓名="重复", 公民身份号码=ident(3)),
        row(姓名="有联系人", 公民身份号码=ident(23), 居住情况="仅与配偶同住(纯老)"),
    ]
    path = write_xlsx(tmp_path / "p.xlsx", rows)
    dry = run(officer, path, dry_run=True, parallel=False)
    result = run(officer, path, parallel=True)
    assert (result.rows, result.created, result.rejected) == (23, 21, 2)
    assert result.errors == dry.errors
    again = run(officer, path, parallel=True)
    assert again.unchanged == 21
    stored = Elder.objects.unscoped(reason="test").get(name="并行7")
    assert stored.id_number == ident(7) and stored.phone == "13812345678"  # encrypted and readable
    assert Elder.objects.unscoped(reason="test").get(name="有联系人").living_arrangement == "spouse_only"
