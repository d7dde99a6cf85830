"""core's import pages serve every registered importer: a module declares an ``Importer`` and gets the upload
page (declared columns, template, dry run), the job page (live progress, errors, error workbook) and the job
list. A toy importer of organisations stands in for the modules (core may not import them)."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from python_calamine import CalamineWorkbook

from yanglao.core import importing, services
from yanglao.core.errors import DomainError
from yanglao.core.models import ImportJob, Organisation

pytestmark = pytest.mark.django_db

KIND = "test_organisations"
HEADER = "名称,区划代码,备注\n"


def _validate(run, cells):
    name = str(cells.get("名称") or "").strip()
    code = str(cells.get("区划代码") or "").strip()
    problems = []
    if not name:
        problems.append(("名称", "必填"))
    if not re.fullmatch(r"\d{12}", code):
        problems.append(("区划代码", "应为 12 位区划代码"))
    return (None, problems) if problems else ({"name": name, "region_code": code}, [])


def _write(run, good):
    for number, raw, values in good:
        try:
            with transaction.atomic():
                services.organisation_create(
                    actor=run.actor, kind="institution", ownership="private", **values
                )
                if run.dry_run:
                    transaction.set_rollback(True)
        except DomainError as exc:
            run.reject(number, [("名称", exc.message)], raw)
            continue
        run.result.created += 1


TOY = importing.Importer(
    kind=KIND,
    title="测试机构",
    columns=(
        importing.Column("name", "名称", ("机构名称",), required=True),
        importing.Column("region_code", "区划代码", (), required=True),
        importing.Column("note", "备注"),
    ),
    permission="core.add_organisation",
    model=Organisation,
    audit_action="organisation.import",
    upsert_key="名称",
    validate=_validate,
    write=_write,
)


@pytest.fixture(autouse=True)
def toy(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    importing.register(TOY)
    yield TOY
    importing.IMPORTERS.pop(KIND, None)


def organisations(name):
    return Organisation.objects.unscoped(reason="test").filter(name=name)


def upload(client, content: str | bytes, *, name="机构.csv", dry_run=False):
    data = content.encode("utf-8") if isinstance(content, str) else content
    payload = {"file": SimpleUploadedFile(name, data)}
    if dry_run:
        payload["dry_run"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job is queued after commit
        return client.post(f"/imports/new/{KIND}/", payload)


def test_upload_page_shows_the_declared_columns_and_a_template(client, street_officer):
    client.force_login(street_officer)
    page = client.get(f"/imports/new/{KIND}/")
    html = page.content.decode()
    assert page.status_code == 200 and "导入测试机构" in html
    columns = html[html.index('data-testid="import-columns"') :]
    assert '<td class="fw-bold">名称</td>' in columns and "机构名称" in columns and "<td>备注</td>" in columns
    assert "仅校验，不写入" in html and f"/imports/new/{KIND}/template/" in html
    template = client.get(f"/imports/new/{KIND}/template/")
    assert template.status_code == 200 and template["Content-Disposition"].startswith("attachment")
    book = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
    assert book.get_sheet_by_index(0).to_python()[0] == ["名称", "区划代码", "备注"]
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert ["名称", "必有", "机构名称"] in notes and ["备注", "可选", ""] in notes


def test_upload_runs_a_job_and_its_page_lists_every_bad_row(client, street_officer):
    client.force_login(street_officer)
    rows = HEADER + "天平新机构,310104003001,\n,310104003001,\n坏区划,31010,\n"
    response = upload(client, rows)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/" and job.state == ImportJob.State.DONE
    assert organisations("天平新机构").exists()
    html = client.get(response.url).content.decode()
    assert "已完成" in html and "下载错误报告" in html
    errors = html[html.index('data-testid="import-errors"') :]
    assert re.search(r"<td[^>]*>3</td><td[^>]*>名称</td><td>必填</td>", errors)
    assert re.search(r"<td[^>]*>4</td><td[^>]*>区划代码</td><td>应为 12 位区划代码</td>", errors)
    listing = client.get("/imports/").content.decode()
    assert f'href="/imports/{job.pk}/"' in listing and "测试机构" in listing


def test_dry_run_writes_nothing_and_says_so(client, street_officer):
    client.force_login(street_officer)
    response = upload(client, HEADER + "只校验机构,310104003001,\n", dry_run=True)
    job = ImportJob.objects.get()
    assert job.dry_run and job.created == 1 and job.path == ""
    assert not organisations("只校验机构").exists()
    html = client.get(response.url).content.decode()
    assert 'data-testid="import-dry-run"' in html and "没有写入任何数据" in html


def test_error_workbook_is_formula_safe_and_owner_only(client, street_officer, other_street_officer):
    client.force_login(street_officer)
    upload(client, HEADER + '=HYPERLINK("http://x"),31010,@SUM(1)\n')
    job = ImportJob.objects.get()
    report = client.get(f"/imports/{job.pk}/errors/")
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    content = b"".join(report.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["行号", "列", "原因", "名称", "区划代码", "备注"]
    assert rows[1][1:] == ["区划代码", "应为 12 位区划代码", '=HYPERLINK("http://x")', "31010", "@SUM(1)"]
    with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
        styles = xlsx.read("xl/styles.xml").decode()
    assert "<f>" not in sheet and 'quotePrefix="1"' in styles  # text shown as typed, never evaluated
    client.force_login(other_street_officer)
    assert client.get(f"/imports/{job.pk}/errors/").status_code == 404
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert f"/imports/{job.pk}/" not in client.get("/imports/").content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (None, b"", "请选择要导入的文件"),
        ("名单.pdf", b"%PDF-1.4", "不支持的文件类型“.pdf”"),
        ("名单.csv", b"", "0 字节"),
        ("名单.csv", "姓名,电话\n甲,1\n".encode(), "表头缺少必填列：名称、区划代码"),
        ("名单.xlsx", b"not a workbook", "不是有效的 Excel 工作簿"),
    ],
)
def test_bad_input_is_shown_on_the_form_with_422(client, street_officer, name, content, message):
    client.force_login(street_officer)
    payload = {} if name is None else {"file": SimpleUploadedFile(name, content)}
    page = client.post(f"/imports/new/{KIND}/", payload)
    html = page.content.decode()
    assert page.status_code == 422 and message in html and 'data-testid="form-errors"' in html
    assert "is-invalid" in html and not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_on_the_form(client, street_officer, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(street_officer)
    page = upload(client, HEADER + "x" * (1024 * 1024) + "\n")
    assert page.status_code == 422 and "文件超过 1 MB" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_unknown_kind_is_404_and_a_kind_without_its_permission_403(client, street_officer, provider_staff):
    client.force_login(street_officer)
    assert client.get("/imports/new/nonsense/").status_code == 404
    assert client.get("/imports/new/nonsense/template/").status_code == 404
    client.force_login(provider_staff)
    assert client.get(f"/imports/new/{KIND}/").status_code == 403
    assert client.post(f"/imports/new/{KIND}/", {}).status_code == 403
    assert client.get(f"/imports/new/{KIND}/template/").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, street_officer):
    job = ImportJob.objects.create(actor=street_officer, kind=KIND, filename="a.csv", path="")
    for url in ("/imports/", f"/imports/new/{KIND}/", f"/imports/{job.pk}/", f"/imports/{job.pk}/errors/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_job_list_is_keyset_paged_newest_first_without_a_cap(client, street_officer, other_street_officer):
    jobs = [
        ImportJob.objects.create(actor=street_officer, kind=KIND, filename=f"{n:02d}.csv", path="")
        for n in range(55)
    ]
    ImportJob.objects.create(actor=other_street_officer, kind=KIND, filename="别人的.csv", path="")
    ImportJob.objects.create(actor=street_officer, kind="gone", filename="已下线.csv", path="")
    client.force_login(street_officer)
    seen, url = [], "/imports/"
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/imports/(\d+)/"', html)]
        after = re.search(r'href="\?after=([^"]+)"', html)
        url = f"/imports/?after={after.group(1)}" if after else ""
    assert seen == [job.pk for job in reversed(jobs)]
    assert client.get("/imports/?after=garbage").status_code == 200  # an edited cursor: the first page
    assert client.post("/imports/").status_code == 405


def test_navigation_shows_imports_to_users_who_may_import(client, street_officer, provider_staff):
    client.force_login(street_officer)
    assert 'href="/imports/"' in client.get("/").content.decode()
    client.force_login(provider_staff)
    assert 'href="/imports/"' not in client.get("/").content.decode()
    assert client.get("/imports/").status_code == 403
