"""Workflows (core.workflows): the helper's order of checks, its writes, audit and events, on a small workflow
over organisations; then every registered workflow's table against a specification written out here, so
changing a row of a table (a state, an action, who may take it) fails a test.

The apps' models are reached by label (``apps.get_model``): core imports no app.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.core import workflows
from yanglao.core.choices import Role
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.models import Event, Organisation
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db

TIANPING_COMMUNITY = "310104003001"
HUNAN_COMMUNITY = "310104004001"


class Refused(DomainError):
    code = "core.test_refused"


def _org_state(o: Organisation) -> str:
    return "active" if o.is_active else "inactive"


ORGANISATIONS = workflows.Workflow[Organisation](
    model=Organisation,
    noun="机构",
    states={"active": "在用", "inactive": "停用"},
    state_of=_org_state,
    error=Refused,
    error_field="is_active",
    topic="core.test.organisation",
    event_scope=lambda o: {"region_code": o.region_id},
    transitions=(
        workflows.Transition(
            "deactivate",
            ("active",),
            "inactive",
            permission="core.change_organisation",
            scope_action="change",
            guards=(
                workflows.Guard(lambda user, o: o.name != "保留机构", lambda: Refused("保留机构不能停用")),
            ),
        ),
        workflows.Transition(
            "activate",
            ("inactive",),
            "active",
            scope_action="change",
            refusals={"active": "该机构已在用"},
            done=lambda user, o: o.name == "已处理",
        ),
    ),
)


@pytest.fixture
def org(db):
    return factories.organisation(region_code=TIANPING_COMMUNITY, name="天平测试机构")


def entries(o: Organisation) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(o).order_by("pk"))


def published() -> list[tuple[str, dict, str | None]]:
    rows = Event.objects.unscoped(reason="test").order_by("id")
    return [(e.topic, e.payload, e.region_code) for e in rows]


def reload(o: Organisation) -> Organisation:
    return Organisation.objects.unscoped(reason="test").get(pk=o.pk)


# ---------------------------------------------------------------- the helper


def test_a_step_writes_only_its_fields_audits_and_announces_the_new_state(district_officer, org):
    before = len(entries(org))
    with CaptureQueriesContext(connection) as queries:
        done = workflows.transition(
            actor=district_officer,
            workflow=ORGANISATIONS,
            obj_id=org.pk,
            action="deactivate",
            changes={"is_active": False},
        )
    assert done.is_active is False and reload(org).is_active is False
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and '"is_active"' in updates[0] and '"name"' not in updates[0]
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries) == (
        connection.features.has_select_for_update
    )
    audit = entries(org)[before:]
    assert [(e.action, set(e.changes)) for e in audit] == [(LogEntry.Action.UPDATE, {"is_active"})]
    assert published() == [
        ("core.test.organisation", {"id": org.pk, "action": "deactivate", "state": "inactive"}, org.region_id)
    ]


def test_a_wrong_state_is_refused_with_the_workflows_code_naming_the_state(district_officer, org):
    org.is_active = False
    org.save(update_fields=["is_active"])
    with pytest.raises(Refused) as refused:
        workflows.transition(
            actor=district_officer,
            workflow=ORGANISATIONS,
            obj_id=org.pk,
            action="deactivate",
            changes={"is_active": False},
        )
    assert refused.value.code == "core.test_refused"
    assert refused.value.message == "机构当前为“停用”，此操作仅适用于：在用"
    assert refused.value.fields == {"is_active": refused.value.message}
    with pytest.raises(Refused, match="该机构已在用"):  # a state's own message
        workflows.transition(
            actor=district_officer,
            workflow=ORGANISATIONS,
            obj_id=factories.organisation(region_code=TIANPING_COMMUNITY).pk,
            action="activate",
            changes={"is_active": True},
        )
    assert published() == []


def test_right_scope_and_guards_are_checked_in_order(district_officer, street_officer, org):
    hunan = factories.organisation(region_code=HUNAN_COMMUNITY)
    kept = factories.organisation(region_code=TIANPING_COMMUNITY, name="保留机构")
    advisor = factories.user(role=Role.ADVISOR, regions=["310104003000"])

    def step(actor, obj_id, action="deactivate"):
        workflows.transition(
            actor=actor, workflow=ORGANISATIONS, obj_id=obj_id, action=action, changes={"is_active": False}
        )

    with pytest.raises(PermissionDenied):  # the model permission first: even a missing row says 403
        step(advisor, 987654)
    for obj_id in (hunan.pk, 987654):
        with pytest.raises(NotFound):  # out of scope and missing look the same
            step(street_officer, obj_id)
    with pytest.raises(Refused, match="保留机构不能停用"):
        step(district_officer, kept.pk)
    assert reload(kept).is_active and reload(hunan).is_active


def test_nothing_to_write_keeps_the_row_and_a_stay_writes_without_moving(district_officer, org):
    before = len(entries(org))
    same = workflows.transition(
        actor=district_officer,
        workflow=ORGANISATIONS,
        obj_id=org.pk,
        action="deactivate",
        changes=lambda o: None,
    )
    assert same.is_active and len(entries(org)) == before
    renamed = workflows.transition(
        actor=district_officer,
        workflow=ORGANISATIONS,
        obj_id=org.pk,
        action="deactivate",
        changes=lambda o: workflows.Stay(name="改名机构"),
    )
    assert (renamed.name, renamed.is_active) == ("改名机构", True)
    assert [set(e.changes) for e in entries(org)[before:]] == [{"name"}]
    assert published() == []  # the state did not move: no event


def test_a_change_that_misses_the_target_state_is_a_programming_error(district_officer, org):
    with pytest.raises(RuntimeError, match="did not reach"):
        workflows.transition(
            actor=district_officer, workflow=ORGANISATIONS, obj_id=org.pk, action="deactivate", changes={}
        )


def test_a_finished_step_repeated_returns_the_row_unchanged(district_officer):
    handled = factories.organisation(region_code=TIANPING_COMMUNITY, name="已处理")
    again = workflows.transition(
        actor=district_officer,
        workflow=ORGANISATIONS,
        obj_id=handled.pk,
        action="activate",
        changes={"is_active": True},
    )
    assert again.is_active and published() == []
    assert ORGANISATIONS.allowed_actions(district_officer, again) == ["deactivate"]


def test_allowed_actions_ask_the_same_table(district_officer, org):
    advisor = factories.user(role=Role.ADVISOR, regions=["310104003000"])
    assert ORGANISATIONS.allowed_actions(district_officer, org) == ["deactivate"]
    assert ORGANISATIONS.allowed_actions(advisor, org) == []
    assert isinstance(ORGANISATIONS.refusal(advisor, org, "deactivate"), PermissionDenied)
    org.is_active = False
    assert ORGANISATIONS.allowed_actions(district_officer, org) == ["activate"]
    with pytest.raises(KeyError):
        ORGANISATIONS.refusal(district_officer, org, "close")


def test_a_table_is_checked_when_declared():
    t = workflows.Transition[Organisation]("deactivate", ("active",), "inactive")
    base = {"model": Organisation, "noun": "机构", "states": {"active": "在用", "inactive": "停用"}}
    with pytest.raises(ImproperlyConfigured, match="twice"):
        workflows.Workflow(**base, transitions=(t, t), error=Refused, state_of=_org_state)
    with pytest.raises(ImproperlyConfigured, match="unknown states"):
        bad = workflows.Transition[Organisation]("close", ("active",), "closed")
        workflows.Workflow(**base, transitions=(bad,), error=Refused, state_of=_org_state)
    with pytest.raises(ImproperlyConfigured, match="either"):
        workflows.Workflow(**base, transitions=(t,), error=Refused, state_of=_org_state, state_field="x")
    unaudited = workflows.Workflow[Event](
        model=Event, noun="事件", states={"new": "新"}, transitions=(), error=Refused, state_field="topic"
    )
    with pytest.raises(ImproperlyConfigured, match="no audit log"):
        workflows.register(unaudited)


# ---------------------------------------------------------------- the apps' tables, row by row

# Where each action may be taken, written out independently of the tables.
ASSESSMENT_SOURCES = {
    "assign": {"requested", "assigned"},
    "fill": {"assigned", "in_progress", "returned", "confirming"},
    "submit": {"assigned", "in_progress", "returned", "confirming"},
    "confirm": {"confirming"},
    "approve": {"submitted"},
    "return": {"submitted"},
    "dispute": {"approved"},
}
ASSESSMENT_TARGETS = {
    "assign": "assigned",
    "fill": "in_progress",
    "submit": "confirming",
    "confirm": "submitted",
    "approve": "approved",
    "return": "returned",
    "dispute": "approved",
}
ASSESSMENT_STATES = {
    "requested",
    "assigned",
    "in_progress",
    "confirming",
    "submitted",
    "returned",
    "approved",
    "superseded",
    "cancelled",
}
BED_SOURCES = {"admit": {"free"}, "discharge": {"occupied"}}
BED_TARGETS = {"admit": "occupied", "discharge": "free"}


def registered(label: str) -> workflows.Workflow:
    return workflows.WORKFLOWS[apps.get_model(label)]


@pytest.fixture
def assessment_people(district_officer):
    agency = factories.organisation(region_code="310104000000", kind="assessment_agency")
    first = factories.user(role=Role.ASSESSOR, organisation=agency)
    second = factories.user(role=Role.ASSESSOR, organisation=agency)
    return {"official": district_officer, "first": first, "second": second}


def test_the_assessment_table_is_the_specified_one():
    flow = registered("assessment.Assessment")
    assert set(flow.states) == ASSESSMENT_STATES
    assert {t.action: set(t.sources) for t in flow.transitions} == ASSESSMENT_SOURCES
    assert {t.action: t.target for t in flow.transitions} == ASSESSMENT_TARGETS


@pytest.mark.parametrize("state", sorted(ASSESSMENT_STATES))
@pytest.mark.parametrize("action", list(ASSESSMENT_SOURCES))
def test_each_assessment_state_and_action(assessment_people, state, action):
    """The assessor who did not submit fills, submits and confirms; the official assigns, reviews and
    disputes. With the right, exactly the specified states allow the action; without it, none does."""
    flow = registered("assessment.Assessment")
    p = assessment_people
    a = flow.model(
        status=state,
        region_id="310104003001",
        assessor_1_id=p["first"].pk,
        assessor_2_id=p["second"].pk,
        submitted_by_id=p["second"].pk,
    )
    by_assessor = action in ("fill", "submit", "confirm")
    right, without = (p["first"], p["official"]) if by_assessor else (p["official"], p["first"])
    refused = flow.refusal(right, a, action)
    if state in ASSESSMENT_SOURCES[action]:
        assert refused is None
        assert action in flow.allowed_actions(right, a)
    else:
        assert type(refused).__name__ == "WrongState" and refused.code == "assessment.wrong_state"
        assert f"评估当前为“{flow.states[state]}”" in refused.message
        assert action not in flow.allowed_actions(right, a)
    assert isinstance(flow.refusal(without, a, action), PermissionDenied)
    assert action not in flow.allowed_actions(without, a)


def test_assessment_guards_beyond_the_state(assessment_people):
    flow = registered("assessment.Assessment")
    p = assessment_people
    a = flow.model(
        status="confirming",
        assessor_1_id=p["first"].pk,
        assessor_2_id=p["second"].pk,
        submitted_by_id=p["first"].pk,
    )
    assert flow.refusal(p["first"], a, "confirm").code == "assessment.needs_other_assessor"
    assert flow.allowed_actions(p["first"], a) == ["fill", "submit"]
    assert flow.allowed_actions(p["second"], a) == ["fill", "submit", "confirm"]
    a.status, a.confirmed_by_id = "submitted", p["second"].pk
    assert flow.refusal(p["second"], a, "confirm") is None  # repeating is harmless, but not offered
    assert flow.allowed_actions(p["second"], a) == []
    assert flow.allowed_actions(p["official"], a) == ["approve", "return"]
    reviewer = p["first"]
    reviewer.user_permissions.add(
        *apps.get_model("auth.Permission").objects.filter(codename="review_assessment")
    )
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert flow.refusal(reviewer, a, "approve").code == "assessment.reviewer_is_assessor"


@pytest.fixture
def bed_people(street_officer):
    operator = factories.organisation(region_code=TIANPING_COMMUNITY)
    staff = factories.user(role=Role.PROVIDER, organisation=operator)
    return staff, street_officer


def test_the_bed_table_is_the_specified_one():
    flow = registered("facilities.Bed")
    assert set(flow.states) == {"free", "occupied"}
    assert {t.action: set(t.sources) for t in flow.transitions} == BED_SOURCES
    assert {t.action: t.target for t in flow.transitions} == BED_TARGETS


@pytest.mark.parametrize("state", ["free", "occupied"])
@pytest.mark.parametrize("action", list(BED_SOURCES))
def test_each_bed_state_and_action(bed_people, state, action):
    """Facility staff admit and discharge; a street official, who reads the register but keeps no beds,
    finds no bed to change (the same not-found as a bed out of scope)."""
    flow = registered("facilities.Bed")
    staff, official = bed_people
    bed = flow.model(active=True, occupant_id=4242 if state == "occupied" else None)
    refused = flow.refusal(staff, bed, action)
    if state in BED_SOURCES[action]:
        assert refused is None and flow.allowed_actions(staff, bed) == [action]
    else:
        assert refused.code == "facilities.bed_unavailable" and refused.fields["bed"] == refused.message
        assert action not in flow.allowed_actions(staff, bed)
    assert isinstance(flow.refusal(official, bed, action), NotFound)
    assert flow.allowed_actions(official, bed) == []


def test_a_bed_out_of_use_takes_no_one(bed_people):
    flow = registered("facilities.Bed")
    staff, _ = bed_people
    bed = flow.model(active=False, occupant_id=None)
    assert flow.refusal(staff, bed, "admit").message == "该床位已停用"
    assert flow.allowed_actions(staff, bed) == []


TRANSFER_SOURCES = {"accept": {"pending"}, "reject": {"pending"}, "cancel": {"pending"}}
TRANSFER_TARGETS = {"accept": "accepted", "reject": "rejected", "cancel": "cancelled"}
TRANSFER_STATES = {"pending", "accepted", "rejected", "cancelled"}


def test_the_transfer_table_is_the_specified_one():
    flow = registered("people.ElderTransfer")
    assert set(flow.states) == TRANSFER_STATES
    assert {t.action: set(t.sources) for t in flow.transitions} == TRANSFER_SOURCES
    assert {t.action: t.target for t in flow.transitions} == TRANSFER_TARGETS


@pytest.mark.parametrize("state", sorted(TRANSFER_STATES))
@pytest.mark.parametrize("action", list(TRANSFER_SOURCES))
def test_each_transfer_state_and_action(street_officer, other_street_officer, state, action):
    """A transfer from 天平路 to 湖南路: the receiving street accepts or rejects, the sending one cancels;
    the other end is refused by name, a role without the right finds nothing, a finished step is not
    offered again (repeating it returns the transfer)."""
    flow = registered("people.ElderTransfer")
    t = flow.model(status=state, from_region_id=TIANPING_COMMUNITY, to_region_id=HUNAN_COMMUNITY)
    right, other_end = (
        (street_officer, other_street_officer)
        if action == "cancel"
        else (other_street_officer, street_officer)
    )
    refused = flow.refusal(right, t, action)
    if state in TRANSFER_SOURCES[action]:
        assert refused is None and action in flow.allowed_actions(right, t)
        wrong_end = flow.refusal(other_end, t, action)
        assert wrong_end.code == "people.transfer_wrong_end" and "只能由" in wrong_end.message
    elif state == TRANSFER_TARGETS[action]:
        assert refused is None and action not in flow.allowed_actions(right, t)
    else:
        assert refused.code == "people.invalid_transfer"
        assert refused.message.startswith(f"迁出转移当前为“{flow.states[state]}”")
    assert action not in flow.allowed_actions(other_end, t)
    advisor = factories.user(role=Role.ADVISOR, regions=["310104000000"])
    assert isinstance(flow.refusal(advisor, t, action), NotFound)
