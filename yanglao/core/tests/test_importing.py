"""The import pipeline on a small table of its own: aliases, encodings, per-row schema errors, dry run, the
error workbook, one audit entry; and import jobs that can never stay "running" after their worker died."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from pydantic import BaseModel, Field
from python_calamine import CalamineWorkbook

from yanglao.core import importing
from yanglao.core.errors import WrongHeaders
from yanglao.core.models import ImportJob, Organisation

pytestmark = pytest.mark.django_db


class CountIn(BaseModel):
    code: str = Field(..., pattern=r"^\d{4}$")
    count: int = Field(..., ge=0)
    note: str = Field("", max_length=10)


STORE: dict[str, int] = {}


def _validate(run, cells):
    data = {run.importer.columns[i].name: cells.get(c.header) for i, c in enumerate(run.importer.columns)}
    data = {k: ("" if v is None else str(v)) for k, v in data.items()}
    payload, problems = importing.schema_validate(run.importer, CountIn, data)
    return payload, problems


def _write(run, rows):
    for _number, _raw, payload in rows:
        current = STORE.get(payload.code)
        if current == payload.count:
            run.result.unchanged += 1
            continue
        if current is None:
            run.result.created += 1
        else:
            run.result.updated += 1
        if not run.dry_run:
            STORE[payload.code] = payload.count


COUNTS = importing.Importer(
    kind="test.counts",
    title="计数",
    columns=(
        importing.Column("code", "代码", ("编号",), required=True),
        importing.Column("count", "数量", (), required=True),
        importing.Column("note", "备注", ()),
    ),
    permission="core.view_organisation",
    model=Organisation,
    audit_action="test.counts",
    upsert_key="代码",
    validate=_validate,
    write=_write,
)


@pytest.fixture(autouse=True)
def counts_importer():
    STORE.clear()
    importing.register(COUNTS)
    yield
    importing.IMPORTERS.pop(COUNTS.kind)


def run(actor, path, **kw):
    return importing.import_file(actor=actor, kind=COUNTS.kind, path=path, **kw)


def test_gb18030_csv_with_an_alias_header_keeps_good_rows_and_reports_each_bad_one(
    tmp_path, district_officer
):
    path = tmp_path / "计数.csv"
    text = "编号,数量,备注\n0001,3,甲\n12,4,乙\n\n0002,-1,=1+1\n0003,5,\n"
    path.write_bytes(text.encode("gb18030"))
    result = run(district_officer, path, report_path=tmp_path / "errors.xlsx")
    assert STORE == {"0001": 3, "0003": 5}
    assert (result.rows, result.created, result.rejected) == (4, 2, 2)
    assert result.errors == [
        {"row": 3, "column": "代码", "reason": "格式不符"},
        {"row": 5, "column": "数量", "reason": "不能为负数"},
    ]
    sheet = CalamineWorkbook.from_path(result.error_path).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["行号", "列", "原因", "编号", "数量", "备注"]
    assert sheet[2][:3] == [5.0, "数量", "不能为负数"] and sheet[2][5] == "=1+1"  # text, not a formula
    entries = LogEntry.objects.filter(additional_data__batch="test.counts")
    assert entries.count() == 1 and entries.get().additional_data["created"] == 2


def test_dry_run_counts_without_writing_or_auditing(tmp_path, district_officer):
    path = tmp_path / "c.csv"
    path.write_text("代码,数量\n0001,3\n", encoding="utf-8")
    result = run(district_officer, path, dry_run=True)
    assert result.created == 1 and STORE == {}
    assert not LogEntry.objects.filter(additional_data__batch="test.counts").exists()
    run(district_officer, path)
    again = run(district_officer, path)
    assert (again.created, again.unchanged) == (0, 1)


def test_missing_headers_and_a_title_row_are_refused_whole(tmp_path, district_officer):
    path = tmp_path / "h.csv"
    path.write_text("代码,备注\n0001,甲\n", encoding="utf-8")
    with pytest.raises(WrongHeaders, match="表头缺少必填列：数量"):
        run(district_officer, path)
    path.write_text("2026 年计数表\n代码,数量\n0001,1\n", encoding="utf-8")
    with pytest.raises(WrongHeaders) as refused:
        run(district_officer, path)
    assert refused.value.message == importing.TITLE_ROW


def test_an_unknown_kind_or_a_missing_right_is_refused(tmp_path, street_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importing.import_file(actor=street_officer, kind="nothing", path=tmp_path / "x.csv")


def _running(actor, **kw) -> ImportJob:
    return ImportJob.objects.create(
        actor=actor, kind=COUNTS.kind, filename="a.csv", state=ImportJob.State.RUNNING, **kw
    )


def test_a_running_job_without_a_heartbeat_is_shown_and_stored_as_failed(district_officer):
    silent = _running(district_officer, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    alive = _running(district_officer, heartbeat_at=timezone.now(), worker_host="", worker_pid=os.getpid())
    job = importing.import_job_get(user=district_officer, job_id=silent.pk)
    assert job.state == ImportJob.State.FAILED and "意外中止" in job.message and job.finished_at
    silent.refresh_from_db()
    assert silent.state == ImportJob.State.FAILED and "意外中止" in silent.message
    assert importing.import_job_get(user=district_officer, job_id=alive.pk).state == ImportJob.State.RUNNING


def test_a_running_job_whose_process_is_gone_is_failed_by_the_sweep(district_officer):
    import socket

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    gone = int(finished.stdout)
    dead = _running(
        district_officer, heartbeat_at=timezone.now(), worker_host=socket.gethostname(), worker_pid=gone
    )
    here = _running(
        district_officer,
        heartbeat_at=timezone.now(),
        worker_host=socket.gethostname(),
        worker_pid=os.getpid(),
    )
    assert importing.import_jobs_expire() == 1
    dead.refresh_from_db()
    here.refresh_from_db()
    assert dead.state == ImportJob.State.FAILED and here.state == ImportJob.State.RUNNING
    assert importing.import_jobs_expire() == 0  # idempotent


def test_the_job_runs_the_pipeline_with_a_heartbeat(
    settings, tmp_path, district_officer, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = importing.import_job_create(
        actor=district_officer, kind=COUNTS.kind, filename="c.csv", content="代码,数量\n0001,2\n".encode()
    )
    assert job.title == "计数"
    job = importing.import_job_run(job_id=job.pk)
    assert job.state == ImportJob.State.DONE and job.created == 1 and job.heartbeat_at
    assert job.worker_pid == os.getpid()


def test_division_tables_use_the_same_reader_gb18030_and_chinese_headers(tmp_path):
    from yanglao.core import services
    from yanglao.core.models import Region

    path = tmp_path / "区划.csv"
    path.write_bytes("区划代码,名称\n310104003905,演示居委会\n".encode("gb18030"))
    assert services.region_load_file(path=path).created == 1
    assert Region.objects.get(code="310104003905").name == "演示居委会"
