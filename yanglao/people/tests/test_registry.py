"""Registry services, search, keyset pages, reveal and export, pages and the API."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from python_calamine import CalamineWorkbook

from yanglao.core import idcard
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.core.models import ImportJob
from yanglao.core.testing import factories as core_factories
from yanglao.people import errors, selectors, services
from yanglao.people.models import Elder
from yanglao.people.schemas import ElderPatch
from yanglao.people.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(street_officer):
    make = lambda **kw: factories.elder(actor=street_officer, **kw)  # noqa: E731
    return {
        "zsf": make(
            name="张三丰", id_number=idcard.make("310104", dt.date(1940, 1, 1), 11), phone="13812345678"
        ),
        "lisi": make(
            name="李四",
            id_number=idcard.make("310104", dt.date(1955, 6, 1), 22),
            phone="021-64381234",
            living_arrangement="with_children",
        ),
        "shan": make(name="单雄信", id_number=idcard.make("310104", dt.date(1930, 2, 3), 33)),
    }


def search(user, q):
    return sorted(e.name for e in selectors.elder_list(user=user, params={"q": q}))


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("zsf", ["张三丰"]),
        ("ZS", ["张三丰"]),
        ("zhangsan", ["张三丰"]),
        ("sxx", ["单雄信"]),
        ("张", ["张三丰"]),
        ("李四", ["李四"]),
        ("13812345678", ["张三丰"]),
        ("021-64381234", ["李四"]),
        ("02164381234", ["李四"]),
        ("nobody", []),
    ],
)
def test_search_by_pinyin_name_and_phone(people, street_officer, q, names):
    assert search(street_officer, q) == names


def test_search_by_id_number_and_last_four(people, street_officer):
    zsf = people["zsf"]
    assert search(street_officer, zsf.id_number) == ["张三丰"]
    assert search(street_officer, zsf.id_number.lower()) == ["张三丰"]
    assert search(street_officer, zsf.id_last4) == ["张三丰"]
    assert search(street_officer, zsf.id_number[:17] + "0") == [] or zsf.id_number.endswith("0")


def test_search_never_crosses_the_scope(people, other_street_officer):
    assert search(other_street_officer, "zsf") == []


def test_keyset_pages_cover_everything_once(street_officer):
    for n in range(7):
        factories.elder(actor=street_officer, name=f"甲{n}", region_code=f"31010400300{1 + n % 3}")
    seen, cursor = [], ""
    while True:
        page = selectors.elder_page(user=street_officer, after=cursor, limit=3)
        seen, cursor = seen + [e.pk for e in page.rows], page.next
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7


def test_group_counts_and_death_removes_from_active_counts(people, street_officer):
    counts = selectors.elder_group_counts(user=street_officer, fresh=True)
    assert counts.total == 3 and counts.by_group["oldest_old"] == 2 and counts.by_group["living_alone"] == 2
    services.elder_record_death(actor=street_officer, elder_id=people["zsf"].pk, date=dt.date(2026, 1, 5))
    counts = selectors.elder_group_counts(user=street_officer, fresh=True)
    assert counts.total == 2 and counts.by_group["oldest_old"] == 1
    assert Elder.objects.unscoped(reason="test").filter(pk=people["zsf"].pk).exists()  # never deleted
    deceased = selectors.elder_list(user=street_officer, params={"status": "deceased"})
    assert [e.name for e in deceased] == ["张三丰"]


def test_life_events(people, street_officer, other_street_officer, district_officer):
    zsf = people["zsf"]
    with pytest.raises(errors.InvalidLifeEvent, match="晚于今天"):
        services.elder_record_death(actor=street_officer, elder_id=zsf.pk, date=dt.date(2099, 1, 1))
    with pytest.raises(errors.InvalidLifeEvent, match="早于出生日期"):
        services.elder_record_death(actor=street_officer, elder_id=zsf.pk, date=dt.date(1930, 1, 1))
    # 湖南路街道 is outside the Tianping officer's scope: a transfer that the receiving street accepts.
    with pytest.raises(errors.TransferRequired):
        services.elder_move(
            actor=street_officer, elder_id=zsf.pk, region_code="310104004001", date=dt.date(2026, 2, 1)
        )
    transfer = services.elder_transfer_request(
        actor=street_officer, elder_id=zsf.pk, region_code="310104004001", date=dt.date(2026, 2, 1)
    )
    services.elder_transfer_accept(actor=other_street_officer, transfer_id=transfer.pk)
    kinds = [e.kind for e in selectors.elder_events(user=district_officer, elder=zsf)]
    assert kinds == ["registered", "move"]  # newest date first: registered today, moved in February
    assert list(selectors.elder_events(user=street_officer, elder=zsf)) == []  # now in another street
    # Moved to 湖南路街道: the Tianping officer can no longer touch the record; the record kept its history.
    with pytest.raises(NotFound):
        services.elder_move_out(actor=street_officer, elder_id=zsf.pk, date=dt.date(2026, 3, 1))
    lisi = services.elder_move_out(actor=street_officer, elder_id=people["lisi"].pk, date=dt.date(2026, 3, 1))
    assert lisi.status == "moved_out"
    with pytest.raises(errors.ElderNotActive):
        services.elder_update(actor=street_officer, elder_id=lisi.pk, patch=ElderPatch(name="李四四"))


def test_create_refuses_duplicates_and_out_of_scope(people, street_officer):
    with pytest.raises(errors.IdNumberTaken):
        factories.elder(actor=street_officer, id_number=people["zsf"].id_number)
    with pytest.raises(Exception, match="管辖范围"):
        factories.elder(actor=street_officer, region_code="310104004001")


def test_update_recomputes_search_fields(people, street_officer):
    services.elder_update(
        actor=street_officer, elder_id=people["lisi"].pk, patch=ElderPatch(name="王小二", phone="13700000000")
    )
    assert search(street_officer, "wxe") == ["王小二"]
    assert search(street_officer, "13700000000") == ["王小二"]


def test_reveal_is_audited_and_needs_the_permission(people, street_officer):
    zsf = people["zsf"]
    assert services.elder_reveal(actor=street_officer, elder=zsf, field_name="phone") == "13812345678"
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(zsf.pk)).get()
    assert entry.actor == street_officer and entry.additional_data == {
        "event": "elder.reveal",
        "reveal": "phone",
    }
    advisor = core_factories.user(role=Role.ADVISOR, regions=["310104003000"])
    with pytest.raises(PermissionDenied):
        services.elder_reveal(actor=advisor, elder=zsf, field_name="phone")


def test_pages_mask_by_default_and_reveal_through_htmx(client, people, street_officer):
    client.force_login(street_officer)
    page = client.get(f"/elders/{people['zsf'].pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page
    assert people["zsf"].id_number not in page
    revealed = client.post(f"/elders/{people['zsf'].pk}/reveal/phone/", HTTP_HX_REQUEST="true")
    assert "13812345678" in revealed.content.decode()
    listing = client.get("/elders/?q=zsf").content.decode()
    assert "张三丰" in listing and "李四" not in listing and "13812345678" not in listing


def test_export_is_masked_unless_asked_in_clear_and_always_audited(client, people, street_officer):
    client.force_login(street_officer)
    before = LogEntry.objects.count()
    response = client.get("/elders/export/?format=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0] == "姓名" and len(rows) == 4
    assert all("****" in r[4] for r in rows[1:])
    clear = client.get("/elders/export/?format=csv&clear=1")
    text = b"".join(clear.streaming_content).decode("utf-8-sig")
    assert people["zsf"].id_number in text
    assert LogEntry.objects.count() == before + 2
    advisor = core_factories.user(role=Role.ADVISOR, regions=["310104003000"])
    client.force_login(advisor)
    assert client.get("/elders/export/?format=xlsx").status_code == 403


def test_form_create_and_422(client, street_officer):
    client.force_login(street_officer)
    good = idcard.make("310104", dt.date(1941, 1, 1), 4)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    bad = client.post(
        "/elders/new/",
        {
            "name": "新老人",
            "id_number": wrong,
            "region_code": "310104003001",
            "living_arrangement": "alone",
            "economic_status": "general",
        },
    )
    assert bad.status_code == 422 and "校验位" in bad.content.decode()
    number = idcard.make("310104", dt.date(1941, 1, 1), 5)
    ok = client.post(
        "/elders/new/",
        {
            "name": "新老人",
            "id_number": number,
            "region_code": "310104003001",
            "living_arrangement": "alone",
            "economic_status": "general",
            "contact_name": "女儿",
            "contact_phone": "13900000000",
        },
    )
    assert ok.status_code == 302


def test_api_list_detail_create_update(client, people, street_officer):
    client.force_login(street_officer)
    page = client.get("/api/v1/elders?q=zsf").json()
    assert [i["name"] for i in page["items"]] == ["张三丰"] and page["items"][0]["id_number"].count("*") == 14
    assert "oldest_old" in page["items"][0]["groups"]
    detail = client.get(f"/api/v1/elders/{people['zsf'].pk}").json()
    assert detail["phone"] == "138****5678"
    number = idcard.make("310104", dt.date(1942, 1, 1), 7)
    created = client.post(
        "/api/v1/elders",
        {
            "name": "接口老人",
            "id_number": number,
            "region_code": "310104003001",
            "living_arrangement": "alone",
            "economic_status": "general",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    bad = client.post(
        "/api/v1/elders",
        {
            "name": "坏",
            "id_number": number[:17] + "Y",
            "region_code": "310104003001",
            "living_arrangement": "alone",
            "economic_status": "general",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and "id_number" in bad.json()["fields"]
    patched = client.patch(
        f"/api/v1/elders/{created.json()['id']}",
        {"living_arrangement": "spouse_only"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["living_arrangement"] == "spouse_only"
    foreign = factories.elder(region_code="310104004001", name="外街道")
    assert client.get(f"/api/v1/elders/{foreign.pk}").status_code == 404


def test_browser_upload_runs_a_job_with_progress_and_error_report(client, street_officer, tmp_path, settings):
    settings.IMPORT_DIR = tmp_path
    client.force_login(street_officer)
    good = idcard.make("310104", dt.date(1943, 1, 1), 9)
    csv = (
        "姓名,公民身份号码,联系电话,居住地址,社区代码,居住情况,经济状况\n"
        f"上传老人,{good},13800000001,天平路,310104003001,独居,一般\n"
        f"坏行,{good[:17]}Y,,,310104003001,独居,一般\n"
    ).encode("utf-8-sig")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit():
        response = client.post("/imports/new/elders/", {"file": SimpleUploadedFile("名单.csv", csv)})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "已完成" in detail and "下载错误报告" in detail
    job_url = response["Location"]
    report = client.get(job_url + "errors/")
    assert report.status_code == 200
    assert Elder.objects.unscoped(reason="test").filter(name="上传老人").exists()


def test_zero_byte_upload_is_refused_on_the_form(client, street_officer, tmp_path, settings):
    settings.IMPORT_DIR = tmp_path
    client.force_login(street_officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit():
        response = client.post("/imports/new/elders/", {"file": SimpleUploadedFile("empty.xlsx", b"")})
    assert response.status_code == 422 and "0 字节" in response.content.decode()
    assert not ImportJob.objects.exists() and not list(tmp_path.iterdir())


def django_capture_on_commit():
    """Run on_commit callbacks (the job is queued after commit) inside the test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_reveal_and_events_of_a_foreign_person_are_404(client, street_officer):
    foreign = factories.elder(region_code="310104004001", name="外街道老人")
    client.force_login(street_officer)
    assert client.post(f"/elders/{foreign.pk}/reveal/phone/").status_code == 404
    assert client.get(f"/elders/{foreign.pk}/events/death/").status_code == 404
    assert client.post(f"/elders/{foreign.pk}/events/death/", {"date": "2026-01-01"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "active"


def test_person_page_renders_registered_panels(client, street_officer, people):
    from yanglao.people import panels

    panel = panels.ElderPanel("people:elder_detail", "people.view_elder")  # any URL taking pk will do
    panels.register(panel)
    try:
        client.force_login(street_officer)
        page = client.get(f"/elders/{people['zsf'].pk}/").content.decode()
        assert f'hx-get="/elders/{people["zsf"].pk}/"' in page
    finally:
        panels.PANELS.remove(panel)
