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
