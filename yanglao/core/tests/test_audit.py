"""The audit page: government admins see who did what, when and from where, scoped; it is read-only."""

import pytest
from auditlog.models import LogEntry

from yanglao.core import services
from yanglao.core.models import Region
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


def test_audit_page_lists_changes_by_actors_in_scope(client, district_officer, street_officer):
    from auditlog.context import set_actor

    with set_actor(street_officer, remote_addr="10.1.2.3"):
        services.organisation_create(
            actor=street_officer, region_code="310104003001", name="天平审计样本", kind="canteen"
        )
    outsider = factories.user(role="government", regions=["310105000000"])
    with set_actor(outsider):
        services.organisation_create(
            actor=outsider, region_code="310105001001", name="长宁审计样本", kind="canteen"
        )
    client.force_login(district_officer)
    page = client.get("/audit/").content.decode()
    assert "天平审计样本" in page and "10.1.2.3" in page
    assert "长宁审计样本" not in page
    filtered = client.get("/audit/?actor=nobody").content.decode()
    assert "天平审计样本" not in filtered


def test_street_officer_has_no_audit_page(client, street_officer):
    client.force_login(street_officer)
    assert client.get("/audit/").status_code == 403


def test_bulk_load_writes_one_batch_entry(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("code,name\n310104003911,一\n310104003912,二\n", encoding="utf-8")
    before = LogEntry.objects.count()
    services.region_load_file(path=path)
    assert LogEntry.objects.count() == before + 1
    entry = LogEntry.objects.latest("pk")
    assert entry.additional_data["batch"] == "region.load" and entry.additional_data["created"] == 2
    assert Region.objects.filter(code__in=["310104003911", "310104003912"]).count() == 2


# ---------------------------------------------------------------- the page reads as Chinese (issue 9, 5.11)


def rows(client, query: str = "") -> str:
    """The table of the audit page as htmx swaps it in (without the filter form's option labels)."""
    return client.get(f"/audit/{query}", HTTP_HX_REQUEST="true").content.decode()


def _changes_by(street_officer):
    from auditlog.context import set_actor

    with set_actor(street_officer, remote_addr="10.1.2.3"):
        org = services.organisation_create(
            actor=street_officer, region_code="310104003001", name="天平食堂", kind="canteen"
        )
        services.organisation_update(actor=street_officer, organisation_id=org.pk, name="天平长者食堂")
    return org


def test_actions_changes_and_batches_read_as_chinese(client, district_officer, street_officer):
    from yanglao.core.models import Organisation

    _changes_by(street_officer)
    services.audit_batch_record(
        actor=street_officer,
        action="elder.export",
        model=Organisation,
        count=13,
        detail={"format": "xlsx", "clear": False, "filters": {"q": "张"}},
    )
    client.force_login(district_officer)
    page = rows(client)
    for text in (
        "创建",
        "修改",
        "导出老年人名单",
        "名称：天平食堂 → 天平长者食堂",
        "组织机构（13 条）",
        "明文：否",
        "搜索：张",
    ):
        assert text in page, text
    assert "\\u" not in page and "{'" not in page and "elder.export" not in page
    for english in (">create<", ">update<", "batch"):
        assert english not in page


def test_filters_by_actor_and_action(client, district_officer, street_officer):
    _changes_by(street_officer)
    client.force_login(district_officer)
    updates = rows(client, "?action=update")
    assert "天平食堂 → 天平长者食堂" in updates and ">创建<" not in updates
    assert ">创建<" in rows(client, "?action=create")
    assert "天平长者食堂" in rows(client, "?actor=street")
    assert "没有审计记录" in rows(client, "?actor=nobody-at-all")
    assert client.get("/audit/?action=nonsense&before=abc").status_code == 200


def test_keyset_pages_without_count(client, district_officer, street_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yanglao.core.models import Organisation

    for n in range(120):
        services.audit_batch_record(
            actor=street_officer, action="elder.export", model=Organisation, count=n, detail={}
        )
    client.force_login(district_officer)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/audit/")
    audit_sql = [
        q["sql"].upper() for q in queries.captured_queries if "AUDITLOG_LOGENTRY" in q["sql"].upper()
    ]
    assert len(audit_sql) == 1  # one keyset read: no COUNT over the table, no OFFSET
    assert "COUNT(" not in audit_sql[0] and "OFFSET" not in audit_sql[0]
    assert len(queries.captured_queries) <= 10
    page = first.content.decode()
    assert "（119 条）" in page and "（70 条）" in page and "（69 条）" not in page
    cursor = first.context["next_query"]
    assert cursor and "before=" in cursor
    second = client.get(f"/audit/?{cursor}").content.decode()
    assert "（69 条）" in second and "（70 条）" not in second and "最新" in second


@pytest.mark.django_db
def test_batch_entries_record_what_the_operation_did():
    from auditlog.models import LogEntry

    from yanglao.core import services
    from yanglao.core.models import Region

    kinds = {
        name: services.audit_batch_record(actor=None, action=name, model=Region, count=1, detail={}).action
        for name in ("facility.import", "elder.import", "region.load", "elder.export", "elder.death_list")
    }
    assert kinds == {
        "facility.import": LogEntry.Action.CREATE,
        "elder.import": LogEntry.Action.CREATE,
        "region.load": LogEntry.Action.CREATE,
        "elder.export": LogEntry.Action.ACCESS,
        "elder.death_list": LogEntry.Action.UPDATE,
    }
