"""Bulk registration through core's import pipeline: good rows kept, every bad row reported with its row
number and a Chinese reason, a re-run finishes the job, and no clear key or ID number is kept anywhere —
not in the database, not in the job's errors, not in the error workbook, not as the upload."""

import io
import json
import zipfile

import pytest
import xlsxwriter
from django.db import connection

from yanglao.alarms import devicekeys
from yanglao.alarms.importing import IMPORTER
from yanglao.alarms.models import Device
from yanglao.core import importing
from yanglao.core.models import ImportJob
from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

HEADERS = [
    "设备编号",
    "设备类型",
    "老人公民身份号码",
    "设备密钥",
    "型号",
    "固件版本",
    "安装日期",
    "心跳间隔（秒）",
]
MAKER_KEY = "ZX-factory-key-77aa99bb11"


@pytest.fixture
def people(street_officer):
    here = people_factories.elder(actor=street_officer, name="王秀英")
    there = people_factories.elder(name="湖南路老人", region_code="310104004001")
    return here, there


def workbook(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADERS, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, str(value)) if isinstance(value, str) else sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def rows_for(here, there):
    return [
        ["WB1001", "智能手环", here.id_number, MAKER_KEY, "HX-3", "1.2", "2026-03-01", "300"],  # 2: good
        ["OK1002", "one_key", here.id_number, "", "", "", "", ""],  # 3: good, generated key
        ["WB1003", "电饭煲", here.id_number, "", "", "", "", ""],  # 4: unknown kind
        ["WB1004", "智能手环", "310104194005011234", "", "", "", "", ""],  # 5: bad check digit
        ["WB1005", "智能手环", there.id_number, "", "", "", "", ""],  # 6: another street's person
        ["WB1001", "智能手环", here.id_number, "", "", "", "", ""],  # 7: serial repeated in the file
        ["WB/1007", "智能手环", here.id_number, "", "", "", "", ""],  # 8: a slash in the serial
        ["WB1008", "智能手环", here.id_number, "short-key", "", "", "", ""],  # 9: key too short
        ["WB1009", "智能手环", here.id_number, "", "", "", "2099-01-01", "10"],  # 10: future date, 10 s
    ]


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


def run_job(actor, content: bytes, dry_run: bool = False) -> ImportJob:
    job = importing.import_job_create(
        actor=actor, kind=IMPORTER.kind, filename="设备.xlsx", content=content, dry_run=dry_run
    )
    return importing.import_job_run(job_id=job.pk)


def test_good_rows_are_kept_and_every_bad_row_is_reported(district_officer, people, imports_dir):
    here, there = people
    admin = factories.user(role="gov_admin", regions=["310104003000"], username="tianping_admin")
    job = run_job(admin, workbook(rows_for(here, there)))
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.rows, job.created, job.rejected) == (9, 2, 7)
    devices = {d.serial: d for d in Device.objects.unscoped(reason="test").all()}
    assert set(devices) == {"WB1001", "OK1002"}
    assert devices["WB1001"].elder == here and devices["WB1001"].model_name == "HX-3"
    assert devices["WB1001"].installed_on.isoformat() == "2026-03-01"
    assert devicekeys.key_matches(MAKER_KEY, devices["WB1001"].key_hash)
    assert devices["OK1002"].kind == "one_key" and devices["OK1002"].key_hash  # a key nobody was shown
    reasons = {e["row"]: (e["column"], e["reason"]) for e in job.errors}
    assert reasons[4] == ("设备类型", f"“电饭煲”不是设备类型；可填：{'、'.join(IMPORTER_KINDS())}")
    assert reasons[5][0] == "老人公民身份号码" and "校验位" in reasons[5][1]
    assert reasons[6] == ("老人公民身份号码", "未找到该公民身份号码的老人，或不在您的管辖范围内")
    assert reasons[7] == ("设备编号", "文件中该设备编号重复")
    assert reasons[8][0] == "设备编号" and "设备编号应为" in reasons[8][1]
    assert reasons[9][0] == "设备密钥" and "16–128" in reasons[9][1]
    assert reasons[10][0] in ("安装日期", "心跳间隔（秒）")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for _col, reason in reasons.values())


def IMPORTER_KINDS():
    from yanglao.alarms.choices import DeviceKind

    return DeviceKind.labels


def test_a_rerun_reports_registered_rows_as_unchanged(district_officer, people, imports_dir):
    here, there = people
    content = workbook(rows_for(here, there)[:2])
    first = run_job(district_officer, content)
    again = run_job(district_officer, content)
    assert (first.created, again.created, again.unchanged, again.rejected) == (2, 0, 2, 0)
    taken = workbook([["WB1001", "一键通", here.id_number, "", "", "", "", ""]])
    refused = run_job(district_officer, taken)
    assert refused.rejected == 1 and "已登记给其他老人或为其他类型" in refused.errors[0]["reason"]


def test_a_dry_run_writes_nothing(district_officer, people, imports_dir):
    here, there = people
    job = run_job(district_officer, workbook(rows_for(here, there)), dry_run=True)
    assert (
        job.created == 3 and Device.objects.unscoped(reason="test").count() == 0
    )  # the district reaches both


def _database_text() -> str:
    """Every stored value of every table, as text (encrypted columns stay as their ciphertext)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the models
            parts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _files_text(folder) -> str:
    texts = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        else:
            texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


def test_no_clear_key_or_id_number_is_kept_anywhere(district_officer, people, imports_dir):
    here, there = people
    rows = rows_for(here, there)
    rows.append(["WB2000", "智能手环", there.id_number, "other-maker-key-0123456789", "", "", "", ""])
    job = run_job(district_officer, workbook(rows))  # the district reaches both people
    assert job.created == 4 and job.rejected == 6
    assert job.path == "" and job.error_path  # the upload is gone; the error workbook is kept
    secrets = [MAKER_KEY, "other-maker-key-0123456789", "short-key", here.id_number, there.id_number]
    stored = _database_text() + json.dumps(job.errors, ensure_ascii=False)
    files = _files_text(imports_dir)
    for secret in secrets:
        assert secret not in stored, secret
        assert secret not in files, secret
    assert "**************" in files  # the ID column is there, masked
    assert "********" in files


def test_the_error_workbook_masks_key_and_id_even_for_users_who_may_reveal(
    district_officer, people, imports_dir
):
    here, _there = people
    assert district_officer.has_perm("people.reveal_elder")
    job = run_job(
        district_officer, workbook([["WB/1", "智能手环", here.id_number, MAKER_KEY, "", "", "", ""]])
    )
    files = _files_text(imports_dir)
    assert job.rejected == 1 and MAKER_KEY not in files and here.id_number not in files
    assert "**************" + here.id_number[-4:] in files


def test_the_import_page_lists_the_importer_for_device_managers(client, district_officer, street_officer):
    client.force_login(district_officer)
    page = client.get("/imports/new/devices/")
    assert page.status_code == 200 and "老人公民身份号码" in page.content.decode()
    client.force_login(street_officer)
    assert client.get("/imports/new/devices/").status_code in (403, 404)
