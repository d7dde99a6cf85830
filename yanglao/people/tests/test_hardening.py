"""Issue 9 regressions for the registry: masks that cannot be undone, audit and exports without clear personal
data, writes that cannot leave the actor's scope, transfers, import files, and the list's filters."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.test import Client

from yanglao.core import idcard, importing, masking
from yanglao.core import services as core_services
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import ImportJob
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing.leak import readable_text
from yanglao.people import errors, selectors, services
from yanglao.people.models import Elder, ElderTransfer
from yanglao.people.tests import factories

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1941, 7, 23)


@pytest.fixture
def elder(street_officer):
    return factories.elder(
        actor=street_officer,
        name="王秀英",
        id_number=idcard.make("310104", BIRTH, 57),
        phone="13912345678",
        address="上海市徐汇区天平路 88 弄 9 号 302 室",
        contacts=[{"name": "王小梅", "relation": "女儿", "phone": "13600001111", "has_key": True}],
    )


@pytest.fixture
def exporter(db):
    """A registry clerk who may list and export but not reveal: the role the mask exists for."""
    user = core_factories.user(role=Role.ADVISOR, regions=["310104003000"], username="clerk")
    group = Group.objects.create(name="仅导出")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="people", codename__in=["view_elder", "export_elder"]
        )
    )
    user.groups.add(group)
    return user


def _secrets(elder: Elder) -> list[str]:
    """Everything from which the hidden digits could be read back."""
    number = elder.id_number
    return [
        number,
        number[:14],
        number[6:14],  # the birth date as the ID writes it
        BIRTH.isoformat(),
        BIRTH.strftime("%Y/%m/%d"),
        f"{BIRTH.year}年{BIRTH.month}月{BIRTH.day}日",
        "13912345678",
        "13600001111",
        "88 弄 9 号",
    ]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return readable_text(raw)


def test_nothing_a_non_revealing_user_reaches_rebuilds_an_id(elder, exporter):
    client = Client()
    client.force_login(exporter)
    urls = [
        "/elders/",
        f"/elders/{elder.pk}/",
        "/api/v1/elders",
        f"/api/v1/elders/{elder.pk}",
        "/elders/export/?format=xlsx",
        "/elders/export/?format=csv",
        f"/elders/export/?format=xlsx&q={elder.id_last4}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _body(response)
        assert "王秀英" in text, url  # the row is there …
        for secret in _secrets(elder):
            assert secret not in text, (url, secret)  # … but nothing that unmasks it
        assert masking.mask_id(elder.id_number) in text or "export" in url or url.startswith("/api"), url
    # A clear export and a reveal are refused to this user.
    assert client.get("/elders/export/?format=xlsx&clear=1").status_code == 403
    assert client.post(f"/elders/{elder.pk}/reveal/id_number/").status_code == 403
    assert client.post(f"/elders/{elder.pk}/contacts/1/reveal/").status_code == 403


def test_audit_entries_keep_only_masked_values(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    client.get(f"/elders/export/?format=csv&q={elder.id_number}")
    client.get("/elders/export/?format=csv&q=13912345678")
    stored = " ".join(str(e.changes) + str(e.additional_data) + e.object_repr for e in LogEntry.objects.all())
    for secret in _secrets(elder):
        assert secret not in stored, secret
    assert masking.mask_id(elder.id_number) in stored
    assert "139****5678" in stored


def test_formula_cells_are_written_as_inert_text(street_officer):
    factories.elder(actor=street_officer, name="=HYPERLINK王", address="=1+2 上海市徐汇区某路")
    factories.elder(actor=street_officer, name="@SUM李", address="+86 某路 1 号")
    client = Client()
    client.force_login(street_officer)
    csv_text = _body(client.get("/elders/export/?format=csv&clear=1"))
    assert "'=HYPERLINK王" in csv_text and "'@SUM李" in csv_text and "'=1+2" in csv_text
    raw = b"".join(client.get("/elders/export/?format=xlsx&clear=1").streaming_content)
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # no formula anywhere


def test_patch_into_another_street_changes_nothing(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    response = client.patch(
        f"/api/v1/elders/{elder.pk}",
        data={"name": "王秀兰", "region_code": "310104004001"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "people.transfer_required"
    elder.refresh_from_db()
    assert (elder.name, elder.region_id) == ("王秀英", "310104003001")  # rolled back whole


def test_transfer_waits_for_the_receiving_street(elder, street_officer, other_street_officer):
    transfer = services.elder_transfer_request(
        actor=street_officer, elder_id=elder.pk, region_code="310104004001", date=dt.date(2026, 11, 1)
    )
    # Until accepted: the sender still has the person, the receiver sees only the transfer.
    assert selectors.elder_list(user=street_officer).filter(pk=elder.pk).exists()
    assert not selectors.elder_list(user=other_street_officer).filter(pk=elder.pk).exists()
    incoming = selectors.transfer_filterset(
        user=other_street_officer, params={"direction": "incoming", "status": "pending"}
    ).qs
    assert [t.pk for t in incoming] == [transfer.pk]
    with pytest.raises(errors.InvalidTransfer):  # one pending at a time
        services.elder_transfer_request(
            actor=street_officer, elder_id=elder.pk, region_code="310104004003", date=dt.date(2026, 11, 1)
        )
    with pytest.raises(errors.InvalidTransfer, match="接收"):  # the sender cannot accept its own
        services.elder_transfer_accept(actor=street_officer, transfer_id=transfer.pk)
    services.elder_transfer_accept(actor=other_street_officer, transfer_id=transfer.pk)
    services.elder_transfer_accept(actor=other_street_officer, transfer_id=transfer.pk)  # idempotent
    elder.refresh_from_db()
    assert elder.region_id == "310104004001"
    assert not selectors.elder_list(user=street_officer).filter(pk=elder.pk).exists()
    assert selectors.elder_list(user=other_street_officer).filter(pk=elder.pk).exists()
    assert "move" in [e.kind for e in selectors.elder_events(user=other_street_officer, elder=elder)]


def test_transfer_rejected_and_cancelled(elder, street_officer, other_street_officer):
    first = services.elder_transfer_request(
        actor=street_officer, elder_id=elder.pk, region_code="310104004001", date=dt.date(2026, 11, 1)
    )
    with pytest.raises(errors.InvalidTransfer, match="原因"):
        services.elder_transfer_reject(actor=other_street_officer, transfer_id=first.pk, note=" ")
    services.elder_transfer_reject(actor=other_street_officer, transfer_id=first.pk, note="查无此人")
    second = services.elder_transfer_request(
        actor=street_officer, elder_id=elder.pk, region_code="310104004001", date=dt.date(2026, 11, 2)
    )
    with pytest.raises(errors.InvalidTransfer):
        services.elder_transfer_cancel(actor=other_street_officer, transfer_id=second.pk)
    services.elder_transfer_cancel(actor=street_officer, transfer_id=second.pk)
    statuses = dict(ElderTransfer.objects.unscoped(reason="test").values_list("pk", "status"))
    assert statuses == {first.pk: "rejected", second.pk: "cancelled"}
    elder.refresh_from_db()
    assert elder.region_id == "310104003001"


def test_transfer_pages(elder, street_officer, other_street_officer):
    sender, receiver = Client(), Client()
    sender.force_login(street_officer)
    receiver.force_login(other_street_officer)
    response = sender.post(
        f"/elders/{elder.pk}/events/move/", {"region_code": "310104004001", "date": "2026-11-01", "note": ""}
    )
    assert response.status_code == 302
    transfer = ElderTransfer.objects.unscoped(reason="test").get()
    assert "王秀英" in receiver.get("/transfers/").content.decode()
    assert receiver.post(f"/transfers/{transfer.pk}/accept/").status_code == 302
    assert receiver.get(f"/elders/{elder.pk}/").status_code == 200
    assert sender.get(f"/elders/{elder.pk}/").status_code == 404


def test_move_by_name_inside_scope_is_one_step(elder, district_officer):
    client = Client()
    client.force_login(district_officer)
    from yanglao.core.models import Region

    name = Region.objects.get(code="310104004001").name
    response = client.post(f"/elders/{elder.pk}/events/move/", {"region_code": name, "date": "2026-11-01"})
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.region_id == "310104004001"


def test_organisation_for_write_answers_not_found_alike(street_officer, provider_org):
    foreign = core_services.organisation_create(
        actor=core_factories.user(role=Role.GOV_ADMIN, regions=["310104000000"]),
        region_code="310104004001",
        name="湖南路某护理站",
        kind=provider_org.kind,
    )
    messages = set()
    for pk in (foreign.pk, 987654):
        with pytest.raises(NotFound) as caught:
            core_services.organisation_for_write(actor=street_officer, organisation_id=pk)
        messages.add(caught.value.message)
    assert len(messages) == 1
    assert core_services.organisation_for_write(actor=street_officer, organisation_id=provider_org.pk)


def test_contact_phone_reveal_is_audited(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    response = client.post(f"/elders/{elder.pk}/contacts/1/reveal/")
    assert "13600001111" in response.content.decode()
    entry = LogEntry.objects.filter(additional_data__reveal="contact_phone").get()
    assert entry.actor == street_officer and "13600001111" not in str(entry.additional_data)
    assert client.post(f"/elders/{elder.pk}/contacts/3/reveal/").status_code == 404


def test_list_filters_by_region_name_and_ability(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    from yanglao.core.models import Region

    community = Region.objects.get(code="310104003001").name
    assert "王秀英" in client.get("/elders/", {"region": community}).content.decode()
    assert "王秀英" not in client.get("/elders/", {"region": "不存在的社区"}).content.decode()
    assert "王秀英" in client.get("/elders/", {"ability": "none"}).content.decode()
    Elder.objects.unscoped(reason="test").filter(pk=elder.pk).update(
        ability_level=2, ability_level_name="中度失能", ability_valid_until=dt.date(2020, 1, 1)
    )
    page = client.get("/elders/", {"ability": "expired"}).content.decode()
    assert "王秀英" in page and "已过期" in page
    assert "王秀英" not in client.get("/elders/", {"ability": "2"}).content.decode()


def test_htmx_filter_refreshes_the_export_links(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    fragment = client.get(
        "/elders/", {"q": "王秀", "after": "x"}, headers={"HX-Request": "true"}
    ).content.decode()
    links = re.findall(r'href="(/elders/export/[^"]+)"', fragment)
    assert links and all("q=%E7%8E%8B%E7%A7%80" in link and "after" not in link for link in links)


def _job(street_officer, content: bytes, dry_run=False, name="list.csv"):
    return importing.import_job_create(
        actor=street_officer, kind="elders", filename=name, content=content, dry_run=dry_run
    )


def test_uploads_are_private_and_dry_runs_deleted(
    settings, tmp_path, street_officer, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = _job(street_officer, "姓名,公民身份号码\n".encode(), dry_run=True)
    assert os.stat(job.path).st_mode & 0o777 == 0o600
    assert os.stat(settings.IMPORT_DIR).st_mode & 0o777 == 0o700
    path = job.path
    job = importing.import_job_run(job_id=job.pk)
    assert not os.path.exists(path) and job.path == ""


def test_real_upload_kept_for_the_retention_period(settings, tmp_path, street_officer):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_RETENTION_DAYS = 7
    header = "姓名,公民身份号码,联系电话,居住地址,社区代码,居住情况,经济状况\n"
    job = importing.import_job_run(job_id=_job(street_officer, header.encode()).pk)
    assert job.state == ImportJob.State.DONE and job.message == "文件只有表头，没有数据行"
    assert os.path.exists(job.path)
    assert importing.import_uploads_purge() == 0
    from django.utils import timezone

    later = timezone.now() + dt.timedelta(days=8)
    assert importing.import_uploads_purge(now=later) == 1
    assert not os.path.exists(job.path)


def test_an_oversized_csv_cell_fails_the_job_in_chinese(settings, tmp_path, street_officer):
    settings.IMPORT_DIR = tmp_path / "imports"
    header = "姓名,公民身份号码,联系电话,居住地址,社区代码,居住情况,经济状况\n"
    content = (header + "张三," + "x" * 200_000 + ",,,310104003001,独居,一般\n").encode()
    job = importing.import_job_run(job_id=_job(street_officer, content).pk)
    assert job.state == ImportJob.State.FAILED and "128 KB" in job.message


def test_any_crash_ends_the_job_as_failed(settings, tmp_path, street_officer, monkeypatch):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = _job(street_officer, b"x,y\n1,2\n")

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "import_file", boom)
    job = importing.import_job_run(job_id=job.pk)
    assert job.state == ImportJob.State.FAILED and "内部错误" in job.message


@pytest.mark.parametrize(
    ("name", "reason"),
    [("   ", "不能为空"), ("张\x1b三", "控制字符"), ("张\x00三", "空字符"), ("张" * 51, "过长")],
)
def test_bad_names_are_refused(street_officer, name, reason):
    client = Client()
    client.force_login(street_officer)
    body = factories.elder_in().model_dump(mode="json")
    body["name"] = name
    body["contacts"] = []
    response = client.post("/api/v1/elders", data=body, content_type="application/json")
    assert response.status_code == 422 and reason in response.json()["message"]


def test_admin_pages_of_the_registry_open(elder, django_user_model):
    root = django_user_model.objects.create_superuser("root_admin", password="Root-password-1")
    client = Client()
    client.force_login(root)
    for url in (
        "/admin/people/elder/",
        f"/admin/people/elder/{elder.pk}/change/",
        "/admin/people/eldertransfer/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert elder.id_number not in response.content.decode()


def test_drilling_into_a_community_ends_at_its_people(elder, street_officer):
    client = Client()
    client.force_login(street_officer)
    page = client.get("/regions/310104003001/").content.decode()
    assert 'href="/elders/?region=310104003001"' in page
    assert "王秀英" in client.get("/elders/?region=310104003001").content.decode()


def test_a_large_export_runs_in_the_background(
    elder,
    street_officer,
    other_street_officer,
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from yanglao.core import exports as core_exports
    from yanglao.core.models import ExportJob

    settings.IMPORT_DIR = tmp_path / "files"
    monkeypatch.setattr(core_exports, "INLINE_MAX_ROWS", 0)
    factories.elder(actor=street_officer, name="第二人")
    client = Client()
    client.force_login(street_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/elders/export/", {"format": "xlsx", "q": "王"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    # The filter travelled with the job: only the one matching row, masked, in a private file.
    assert (job.state, job.total, job.written, job.clear) == ("done", 1, 1, False)
    assert os.stat(job.path).st_mode & 0o777 == 0o600
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "下载文件" in page
    body = _body(client.get(f"/exports/{job.pk}/download/"))
    assert "王秀英" in body and "第二人" not in body and elder.id_number not in body
    assert LogEntry.objects.filter(additional_data__batch="elder.export", additional_data__count=1).exists()
    other = Client()
    other.force_login(other_street_officer)
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404


def test_error_report_is_masked_for_a_user_who_may_not_reveal(tmp_path, street_officer):
    from python_calamine import CalamineWorkbook

    from yanglao.people.tests.test_import import HEADERS, ident, row, write_xlsx

    clerk = core_factories.user(role=Role.ADVISOR, regions=["310104003000"], username="import_clerk")
    group = Group.objects.create(name="仅导入")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="people", codename__in=["view_elder", "add_elder"])
    )
    clerk.groups.add(group)
    bad = row(公民身份号码=ident(9), 居住情况="不知道", 联系电话="13987654321")
    path = write_xlsx(tmp_path / "bad.xlsx", [bad], HEADERS)
    result = services.elder_import_file(actor=clerk, path=path, report_path=tmp_path / "errors.xlsx")
    cells = [
        str(c)
        for r in CalamineWorkbook.from_path(result.error_path).get_sheet_by_index(0).to_python()
        for c in r
    ]
    assert ident(9) not in cells and "13987654321" not in cells
    assert masking.mask_id(ident(9)) in cells and "139****4321" in cells
    # The same file through a user who may reveal keeps the cells as typed (to fix and re-upload).
    result = services.elder_import_file(
        actor=street_officer, path=path, report_path=tmp_path / "errors2.xlsx"
    )
    cells = [
        str(c)
        for r in CalamineWorkbook.from_path(result.error_path).get_sheet_by_index(0).to_python()
        for c in r
    ]
    assert ident(9) in cells


def test_a_write_that_leaves_the_actors_scope_is_rolled_back(elder, street_officer):
    from django.db import transaction

    from yanglao.core.scoping import ScopeViolation, ensure_in_scope

    with pytest.raises(ScopeViolation), transaction.atomic():
        Elder.objects.unscoped(reason="test: a service with a bug").filter(pk=elder.pk).update(
            region_id="310104004001"
        )
        ensure_in_scope(Elder.objects.unscoped(reason="test").get(pk=elder.pk), street_officer, "change")
    elder.refresh_from_db()
    assert elder.region_id == "310104003001"


def test_a_background_csv_export_counts_what_it_wrote(elder, street_officer, settings, tmp_path):
    from django.http import QueryDict

    from yanglao.people import exports

    settings.IMPORT_DIR = tmp_path
    with open(tmp_path / "out.csv", "wb") as handle:
        written = exports.ELDERS.write(
            street_officer, QueryDict("q=王"), False, "csv", handle, lambda n: None
        )
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert written == 1 and "王秀英" in text and elder.id_number not in text
    assert LogEntry.objects.filter(additional_data__batch="elder.export", additional_data__count=1).exists()
