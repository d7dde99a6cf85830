"""Background jobs of the registry act as the account that started them (platform kit, item 7): what they
write to the audit log names that account and says it came from a background job."""

import pytest
from auditlog.models import LogEntry

from yanglao.core import exports as core_exports
from yanglao.core import importing
from yanglao.people import services
from yanglao.people.tests import factories

pytestmark = pytest.mark.django_db

HEADER = "姓名,公民身份号码,联系电话,居住地址,社区代码,居住情况,经济状况\n"


def test_an_import_job_acts_as_its_owner(settings, tmp_path, street_officer):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = importing.import_job_create(
        actor=street_officer,
        kind=services.ELDERS_IMPORTER.kind,
        filename="list.csv",
        content=HEADER.encode(),
        dry_run=False,
    )
    importing.import_job_run(job_id=job.pk)
    entry = LogEntry.objects.get(additional_data__batch="elder.import")
    assert entry.actor == street_officer and entry.additional_data["via"] == "后台任务"


def test_an_export_job_acts_as_its_owner(
    settings, tmp_path, street_officer, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = tmp_path / "files"
    factories.elder(actor=street_officer, name="王导出")
    with django_capture_on_commit_callbacks(execute=False):
        job = core_exports.export_job_create(
            actor=street_officer, kind="people.elders", params="q=王", fmt="csv", clear=False, total=1
        )
    assert core_exports.export_job_run(job_id=job.pk).state == "done"
    entry = LogEntry.objects.get(additional_data__batch="elder.export")
    assert entry.actor == street_officer and entry.additional_data["via"] == "后台任务"


def test_a_reveal_is_one_access_entry_through_record(street_officer):
    person = factories.elder(actor=street_officer, name="查看样本")
    services.elder_reveal(actor=street_officer, elder=person, field_name="id_number")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(person.pk))
    assert entry.additional_data == {"event": "elder.reveal", "reveal": "id_number"}
    assert person.id_number not in entry.object_repr + str(entry.additional_data) + str(entry.changes)
