"""A facility import is audited as a creation (it was once logged as a read), and a command run names its
account on every field change it makes (platform kit, item 7)."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from yanglao.core.testing import factories as core_factories
from yanglao.facilities.models import Facility
from yanglao.facilities.tests.test_import import good, write

pytestmark = pytest.mark.django_db


def test_the_command_audits_a_creation_as_its_user(tmp_path, street_officer):
    core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    path = write(tmp_path / "list.csv", [good(), good(名称="天平日间照料中心", 类型="日间照料中心")])
    call_command("import_facilities", str(path), "--user", street_officer.username, stdout=io.StringIO())
    batch = LogEntry.objects.get(additional_data__batch="facility.import")
    assert batch.action == LogEntry.Action.CREATE and batch.actor == street_officer
    assert batch.additional_data["count"] == 2
    entries = LogEntry.objects.get_for_objects(Facility.objects.unscoped(reason="test")).filter(
        action=LogEntry.Action.CREATE
    )
    assert entries.count() == 2
    assert {(e.actor_id, e.additional_data["via"]) for e in entries} == {
        (street_officer.pk, "命令行：import-facilities")
    }
