"""Facility list import: good rows registered, every bad row reported with its row, column and reason."""

import csv
import json

import pytest
from django.core.management import call_command
from django.test import TestCase

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import geo
from yanglao.facilities.importing import COLUMNS, facility_import_file
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db
HEADERS = list(COLUMNS)


def write(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([row.get(h, "") for h in HEADERS])
    return path


def good(**kw):
    return {
        "名称": "天平社区长者食堂",
        "类型": "社区长者食堂",
        "运营机构": "天平为老服务社",
        "运营方式": "公建民营",
        "区划代码": "310104003001",
        "经度": "121.444",
        "纬度": "31.2075",
        "服务项目": "堂食，送餐",
        "每餐供餐能力": "120",
        "向社区开放": "是",
        "有效期至": "2027-06-30",
    } | kw


def test_import_keeps_good_rows_and_reports_each_bad_one(tmp_path, street_officer):
    org = core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    g_lng, g_lat = geo.wgs84_to_gcj02(121.45, 31.205)
    rows = [
        good(),  # row 2
        good(名称="天平日间照料中心", 类型="日间照料中心", 经度=str(g_lng), 纬度=str(g_lat), 坐标系="GCJ-02"),
        good(
            名称="",
        ),  # 4: name missing
        good(名称="甲", 类型="养猪场"),  # 5
        good(名称="乙", 运营方式="国营"),  # 6
        good(名称="丙", 运营机构="不存在的公司"),  # 7
        good(名称="丁", 经度="31.2075", 纬度="121.444"),  # 8: swapped
        good(名称="戊", 每餐供餐能力="-5"),  # 9
        good(名称="己", 区划代码="310104004001"),  # 10: another street
        good(),  # 11: duplicate of row 2
        good(名称="庚", 向社区开放="也许"),  # 12
        good(名称="辛", 运营机构=org.credit_code, 有效期至="2027/13/01"),  # 13: bad date
        {},  # blank line: skipped, not an error
        good(名称="壬", 运营机构=org.credit_code, 星级="3"),  # 15
    ]
    result = facility_import_file(actor=street_officer, path=write(tmp_path / "设施.csv", rows))
    assert result.rows == 13 and result.created == 3
    assert [(p["row"], p["column"]) for p in result.problems] == [
        (4, "名称"),
        (5, "类型"),
        (6, "运营方式"),
        (7, "运营机构"),
        (8, "纬度"),
        (9, "每餐供餐能力"),
        (10, "区划代码"),
        (11, "名称"),
        (12, "向社区开放"),
        (13, "有效期至"),
    ]
    assert "填反" in result.problems[4]["reason"] and "管辖范围" in result.problems[6]["reason"]
    made = Facility.objects.for_user(street_officer)
    canteen = made.get(name="天平社区长者食堂")
    assert canteen.services == ["堂食", "送餐"] and canteen.open_to_community and canteen.meal_capacity == 120
    day_care = made.get(name="天平日间照料中心")
    assert (day_care.lng, day_care.lat) == pytest.approx((121.45, 31.205), abs=1e-6)
    assert made.get(name="壬").star_level == 3


def test_import_command_and_page(tmp_path, street_officer, client, capsys, settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    path = write(
        tmp_path / "list.csv",
        [
            good(),
            good(
                名称="",
            ),
        ],
    )
    call_command("import_facilities", str(path), "--user", street_officer.username, "--json")
    payload = json.loads(capsys.readouterr().out)
    assert payload["created"] == 1 and payload["problems"][0]["row"] == 3
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("名称,类型\n甲,养老机构\n", encoding="utf-8")
    client.force_login(street_officer)
    assert client.get("/facilities/import/").url == "/imports/new/facilities/"
    with open(bad_header, "rb") as f:
        page = client.post("/imports/new/facilities/", {"file": f})
    assert page.status_code == 422 and "表头缺少必填列" in page.content.decode()
    with (
        open(write(tmp_path / "two.csv", [good(名称="新食堂"), good(名称="新食堂2", 类型="x")]), "rb") as f,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        page = client.post("/imports/new/facilities/", {"file": f})
    text = client.get(page.url).content.decode()
    assert page.status_code == 302 and "已完成" in text and "不是设施类型" in text
    assert Facility.objects.unscoped(reason="test").filter(name="新食堂").exists()


def test_commands_refuse_an_unknown_account(tmp_path):
    from django.core.management.base import CommandError

    path = write(tmp_path / "list.csv", [good()])
    with pytest.raises(CommandError, match="找不到用户 nobody"):
        call_command("import_facilities", str(path), "--user", "nobody")


def test_dry_run_registers_nothing_but_reports_what_would_be_refused(tmp_path, street_officer):
    from auditlog.models import LogEntry

    core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    rows = [good(), good(), good(名称="甲", 类型="养猪场")]  # row 3 repeats row 2
    result = facility_import_file(actor=street_officer, path=write(tmp_path / "dry.csv", rows), dry_run=True)
    assert result.created == 1 and [(p["row"], p["column"]) for p in result.problems] == [
        (3, "名称"),
        (4, "类型"),
    ]
    assert not Facility.objects.for_user(street_officer).exists()
    assert not LogEntry.objects.filter(additional_data__batch="facility.import").exists()


def test_an_aliased_header_and_a_gbk_file_are_read(tmp_path, street_officer):
    core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    headers = ["设施名称" if h == "名称" else h for h in HEADERS]
    path = tmp_path / "gbk.csv"
    with open(path, "w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerow([good().get(h, "") for h in HEADERS])
    result = facility_import_file(actor=street_officer, path=path)
    assert result.created == 1 and result.problems == []
