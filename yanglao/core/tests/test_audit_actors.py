"""Audit writes (platform kit, item 7): one ``record`` for single events, and an actor for code outside a
request, so field changes made by commands and jobs name who started them (or the system account)."""

import io

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management import call_command

from yanglao.core import audit, errors, services
from yanglao.core.demo import DATA
from yanglao.core.models import ExportJob, Organisation, User
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


def _organisation_entries(name: str):
    return LogEntry.objects.filter(object_repr=name).order_by("pk")


def _create(name: str) -> Organisation:
    return factories.organisation(region_code="310104003001", name=name)


def test_record_writes_one_entry_of_the_kind_its_verb_says(street_officer):
    org = _create("记录样本")
    read = audit.record(
        actor=street_officer, action="organisation.reveal", obj=org, detail={"reveal": "name"}
    )
    changed = audit.record(actor=street_officer, action="organisation.approve", obj=org)
    whole = audit.record(actor=None, action="organisation.delete", model=Organisation)
    assert (read.action, changed.action, whole.action) == (
        LogEntry.Action.ACCESS,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    )
    assert read.object_pk == str(org.pk) and read.object_id == org.pk and read.actor == street_officer
    assert read.additional_data == {"event": "organisation.reveal", "reveal": "name"}
    assert whole.object_pk == "" and whole.object_repr == "组织机构"
    with pytest.raises(TypeError):
        audit.record(actor=None, action="organisation.approve")


def test_without_a_context_field_changes_outside_a_request_have_no_actor():
    _create("无主样本")
    assert [e.actor_id for e in _organisation_entries("无主样本")] == [None]


def test_field_changes_inside_acting_as_name_the_actor(street_officer):
    with audit.acting_as(street_officer, via="后台任务"):
        _create("任务样本")
    entry = _organisation_entries("任务样本").get()
    assert entry.actor == street_officer and entry.additional_data["via"] == "后台任务"


def test_the_system_account_acts_for_commands_and_periodic_jobs():
    assert not User.objects.filter(username=audit.SYSTEM_USERNAME).exists()
    with audit.acting_as(None, via="定时任务：测试"):
        _create("系统样本")
    entry = _organisation_entries("系统样本").get()
    system = User.objects.get(username=audit.SYSTEM_USERNAME)
    assert entry.actor == system and str(system) == "系统"
    assert not system.is_active and not system.has_usable_password()  # can never sign in
    assert not LogEntry.objects.filter(object_repr=audit.SYSTEM_USERNAME).exists()
    with audit.acting_as(None):
        _create("系统样本二")
    assert User.objects.filter(username=audit.SYSTEM_USERNAME).count() == 1


def test_contexts_nest_and_an_explicit_actor_wins(street_officer, other_street_officer):
    with audit.acting_as(street_officer):
        with audit.acting_as(other_street_officer):
            _create("内层样本")
        _create("外层样本")
        org = _create("显式样本")
        audit.record(actor=other_street_officer, action="organisation.approve", obj=org)
    _create("之后样本")
    assert _organisation_entries("内层样本").get().actor == other_street_officer
    assert _organisation_entries("外层样本").get().actor == street_officer
    assert LogEntry.objects.get(additional_data__event="organisation.approve").actor == other_street_officer
    assert _organisation_entries("之后样本").get().actor is None


def test_an_explicit_context_wins_inside_a_request_context(street_officer, other_street_officer):
    with set_actor(street_officer, remote_addr="10.0.0.1"):  # what the request middleware does
        with audit.acting_as(other_street_officer):
            _create("请求内样本")
        _create("请求样本")
    assert _organisation_entries("请求内样本").get().actor == other_street_officer
    request_entry = _organisation_entries("请求样本").get()
    assert request_entry.actor == street_officer and request_entry.remote_addr == "10.0.0.1"


def test_a_periodic_job_decorated_with_acting_as_runs_as_the_system():
    @audit.acting_as(None, via="定时任务：测试")
    def job(name: str) -> Organisation:
        return _create(name)

    job("周期样本")
    job("周期样本二")  # the decorator opens a fresh context on each run
    _create("周期之后")
    assert _organisation_entries("周期之后").get().actor is None
    entries = [*_organisation_entries("周期样本"), *_organisation_entries("周期样本二")]
    assert len(entries) == 2 and {e.actor.username for e in entries} == {audit.SYSTEM_USERNAME}


def test_a_user_started_job_acts_as_its_owner(street_officer):
    job = ExportJob.objects.create(actor=street_officer, kind="test", title="测试", fmt="csv", total=0)

    @audit.as_job_owner(ExportJob)
    def run(*, job_id: int) -> None:
        _create("导出任务样本")

    run(job_id=job.pk)
    entry = _organisation_entries("导出任务样本").get()
    assert entry.actor == street_officer and entry.additional_data["via"] == "后台任务"


def test_a_command_without_a_user_is_audited_as_the_system(client):
    path = DATA / "divisions.csv"
    call_command("load_divisions", str(path), stdout=io.StringIO())
    entry = LogEntry.objects.filter(additional_data__batch="region.load").latest("pk")
    assert entry.actor.username == audit.SYSTEM_USERNAME
    assert entry.additional_data["via"] == "命令行：load-divisions"
    # Entries of accounts without a region reach system administrators only (core.selectors.audit_list).
    client.force_login(User.objects.create_superuser("audit_root", password=factories.PASSWORD))
    page = client.get("/audit/?action=region.load", HTTP_HX_REQUEST="true").content.decode()
    assert "系统" in page and "来源：命令行：load-divisions" in page


def test_single_events_read_as_chinese_on_the_page(client, district_officer):
    officer = factories.user(role="government", regions=["310104003000"], username="pw_changer")
    services.user_change_password(actor=officer, old=factories.PASSWORD, new="An0ther-Long-Passw0rd!")
    client.force_login(district_officer)
    page = client.get("/audit/?actor=pw_changer", HTTP_HX_REQUEST="true").content.decode()
    assert "修改密码" in page and "撤销的令牌数：0" in page and "password.change" not in page


def test_nobody_can_take_the_system_account_name():
    with pytest.raises(errors.DomainError):
        services.user_create(
            actor=None,
            username=audit.SYSTEM_USERNAME,
            password="An0ther-Long-Passw0rd!",
            role="government",
            region_codes=["310104003000"],
        )
