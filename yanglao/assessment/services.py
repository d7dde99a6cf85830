"""The assessment workflow: request → assign (agency, two assessors) → drafts → submit (scored) → the
other assessor confirms → review (approve or return) → the person's current level, valid until its date.
A dispute opens a 复评 by other assessors.

Each step is one transaction that takes its transition of ``WORKFLOW`` (the one table of states, actions and
who may take them; ``core.workflows``), which locks the assessment and checks the right and the state; a
refused step names the current state. A confirmed submission is never edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yanglao.assessment import errors, instruments, scoring
from yanglao.assessment.choices import Reason, Status
from yanglao.assessment.models import Assessment
from yanglao.core import services as core_services
from yanglao.core import workflows
from yanglao.core.models import User
from yanglao.core.months import add_months  # the validity of a result: the same day months later
from yanglao.people import selectors as people_selectors
from yanglao.people import services as people_services


def _is_assessor(user: User, a: Assessment) -> bool:
    return user.pk in (a.assessor_1_id, a.assessor_2_id)


FILLABLE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.CONFIRMING)
ASSESSORS_ONLY = workflows.Guard[Assessment](_is_assessor, PermissionDenied)
NOT_THE_SUBMITTER = workflows.Guard[Assessment](
    lambda user, a: user.pk != a.submitted_by_id, errors.NeedsOtherAssessor
)
NOT_AN_ASSESSOR = workflows.Guard[Assessment](
    lambda user, a: not _is_assessor(user, a), errors.ReviewerIsAssessor
)

# Every state rule of the assessment, in one table: pages offer what ``allowed_actions`` lists, and each
# service below takes its step through ``workflows.transition`` against the same row.
WORKFLOW = workflows.Workflow[Assessment](
    model=Assessment,
    noun="评估",
    states=dict(Status.choices),
    state_field="status",
    error=errors.WrongState,
    topic="assessment.state",
    event_scope=lambda a: {"region_code": a.region_id, "organisation_id": a.agency_id},
    transitions=(
        workflows.Transition(
            "assign",
            (Status.REQUESTED, Status.ASSIGNED),
            Status.ASSIGNED,
            permission="assessment.change_assessment",
            scope_action="change",
        ),
        # Drafts and device changes; a change after one assessor submitted withdraws the submission.
        workflows.Transition("fill", FILLABLE, Status.IN_PROGRESS, who=(ASSESSORS_ONLY,)),
        workflows.Transition("submit", FILLABLE, Status.CONFIRMING, who=(ASSESSORS_ONLY,)),
        # Two assessors per assessment: the one who did not submit confirms; a double tap is harmless.
        workflows.Transition(
            "confirm",
            (Status.CONFIRMING,),
            Status.SUBMITTED,
            who=(ASSESSORS_ONLY,),
            done=lambda user, a: a.status == Status.SUBMITTED and a.confirmed_by_id == user.pk,
            guards=(NOT_THE_SUBMITTER,),
        ),
        workflows.Transition(
            "approve",
            (Status.SUBMITTED,),
            Status.APPROVED,
            permission="assessment.review_assessment",
            guards=(NOT_AN_ASSESSOR,),
        ),
        workflows.Transition(
            "return",
            (Status.SUBMITTED,),
            Status.RETURNED,
            permission="assessment.review_assessment",
            guards=(NOT_AN_ASSESSOR,),
        ),
        # A dispute leaves the approved result as it is and opens a 复评 (assessment_dispute).
        workflows.Transition(
            "dispute", (Status.APPROVED,), Status.APPROVED, permission="assessment.add_assessment"
        ),
    ),
)


def _instrument(code: str) -> dict:
    try:
        return instruments.get(code)
    except instruments.UnknownInstrument:
        raise errors.UnknownInstrument(code) from None


@transaction.atomic
def assessment_request(
    *,
    actor: User,
    elder_id: int,
    instrument: str,
    reason: str,
    note: str = "",
    disputed_of: Assessment | None = None,
) -> Assessment:
    """Ask for an assessment of a person in the actor's scope."""
    if not actor.has_perm("assessment.add_assessment"):
        raise PermissionDenied
    elder = people_selectors.elder_get(user=actor, elder_id=elder_id)
    if elder.status != "active":
        raise errors.WrongState("该老人已不在册，不能申请评估")
    data = _instrument(instrument)
    if reason not in Reason.values:
        raise errors.WrongState(f"评估原因“{reason}”无效", fields={"reason": "评估原因无效"})
    return Assessment.objects.create(
        elder=elder,
        region_id=elder.region_id,
        instrument=instrument,
        instrument_version=data["version"],
        reason=reason,
        reason_note=note,
        requested_by=actor,
        disputed_of=disputed_of,
    )


@transaction.atomic
def assessment_assign(
    *, actor: User, assessment_id: int, agency_id: int, assessor_ids: tuple[int, int]
) -> Assessment:
    """Give the assessment to an agency and two different assessors of that agency. A 复评 needs assessors
    other than those of the disputed assessment."""

    def assign(assessment: Assessment) -> workflows.Changes:
        agency = core_services.organisation_for_write(
            actor=actor, organisation_id=agency_id, kinds=("assessment_agency",), field_name="agency"
        )
        first, second = assessor_ids
        if first == second:
            raise errors.InvalidAssignment(
                "两名评估员不能是同一人", fields={"assessors": "两名评估员不能是同一人"}
            )
        assessors = list(
            User.objects.filter(pk__in=assessor_ids, organisation=agency, role="assessor", is_active=True)
        )
        if len(assessors) != 2:
            raise errors.InvalidAssignment(
                "评估员须为该评估机构的在职评估员", fields={"assessors": "评估员不属于该机构"}
            )
        if assessment.disputed_of_id:
            original = Assessment.objects.unscoped(reason="the disputed assessment's assessors").get(
                pk=assessment.disputed_of_id
            )
            if {original.assessor_1_id, original.assessor_2_id} & set(assessor_ids):
                raise errors.InvalidAssignment(
                    "复评须由原评估员以外的评估员进行", fields={"assessors": "须更换评估员"}
                )
        return {"agency": agency, "assessor_1_id": first, "assessor_2_id": second}

    return workflows.transition(
        actor=actor, workflow=WORKFLOW, obj_id=assessment_id, action="assign", changes=assign
    )


def _partial_check(data: dict, answers: dict) -> None:
    """A draft may miss items but may not hold unknown items or impossible scores."""
    try:
        scoring.check_answers(data, answers)
    except scoring.ScoringError as exc:
        real = [p for p in exc.problems if "required" not in p["en"]]
        if real:
            raise errors.InvalidAnswers(real) from None


def _withdrawn(assessment: Assessment) -> workflows.Changes:
    """A change after one assessor submitted withdraws that submission: the other must see the final
    answers, so the result is cleared and the form is open again."""
    if assessment.status != Status.CONFIRMING:
        return {}
    return {
        "submitted_by": None,
        "submitted_at": None,
        "result": {},
        "total": None,
        "preliminary_level": None,
        "final_level": None,
        "level_name": "",
    }


@transaction.atomic
def assessment_save_draft(
    *, actor: User, assessment_id: int, answers: dict, context: dict | None = None
) -> Assessment:
    """Keep what the assessor has entered so far (resumable after a lost connection). Idempotent."""

    def draft(assessment: Assessment) -> workflows.Changes | None:
        _partial_check(_instrument(assessment.instrument), answers)
        new_context = context or assessment.context
        if (answers, new_context) == (assessment.answers, assessment.context):
            return None
        return {"answers": answers, "context": new_context, **_withdrawn(assessment)}

    return workflows.transition(
        actor=actor, workflow=WORKFLOW, obj_id=assessment_id, action="fill", changes=draft
    )


@dataclass(frozen=True)
class AnswerChange:
    """One field changed on an assessor's device: an item code (value an int score, or None when cleared)
    or a context field (``coma``, ``diagnoses``, ``risk_<event>``). ``at`` is the device's time in
    milliseconds and ``change_id`` its own id for the change; together they order changes per field."""

    name: str
    value: Any
    at: int
    change_id: str


CONTEXT_FIELDS = ("coma", "diagnoses")
RISK_EVENTS = ("跌倒", "走失", "噎食", "自杀", "其他")


@transaction.atomic
def assessment_record_answers(
    *, actor: User, assessment_id: int, changes: Sequence[AnswerChange]
) -> Assessment:
    """Merge changes sent from an assessor's device, field by field: the latest change (device time, then
    change id) wins, whatever order changes arrive in. Idempotent: a change sent again, or one older than
    what the server holds, changes nothing. Changes queued offline arrive late and may arrive twice."""

    def merge(assessment: Assessment) -> workflows.Changes | None:
        answers, context = dict(assessment.answers), {**assessment.context}
        risks = dict(context.get("risk_events") or {})
        stamps = dict(assessment.answer_stamps)
        applied = False
        for change in sorted(changes, key=lambda c: (c.at, c.change_id)):
            stamp = [change.at, change.change_id]
            if change.name in stamps and tuple(stamps[change.name]) >= tuple(stamp):
                continue
            stamps[change.name], applied = stamp, True
            if change.name in CONTEXT_FIELDS:
                context[change.name] = change.value
            elif change.name.startswith("risk_") and change.name[5:] in RISK_EVENTS:
                risks[change.name[5:]] = change.value
            elif change.value is None:
                answers.pop(change.name, None)
            else:
                answers[change.name] = change.value
        if not applied:
            return None
        _partial_check(_instrument(assessment.instrument), answers)
        if risks:
            context["risk_events"] = risks
        merged = {"answers": answers, "context": context, "answer_stamps": stamps}
        if (answers, context) == (assessment.answers, assessment.context):
            return workflows.Stay(merged)  # only the stamps moved on: the state and a submission stand
        return {**merged, **_withdrawn(assessment)}

    return workflows.transition(
        actor=actor, workflow=WORKFLOW, obj_id=assessment_id, action="fill", changes=merge
    )


@transaction.atomic
def assessment_submit(
    *, actor: User, assessment_id: int, answers: dict, context: dict | None = None
) -> Assessment:
    """Score the complete answers and hand them to the other assessor, who confirms before review."""

    def score(assessment: Assessment) -> workflows.Changes:
        data = _instrument(assessment.instrument)
        try:
            result = scoring.score(data, answers, context or {})
        except scoring.ScoringError as exc:
            raise errors.InvalidAnswers(exc.problems) from None
        return {
            "answers": answers,
            "context": context or {},
            "result": result.as_dict(),
            "total": result.total,
            "preliminary_level": result.preliminary_level,
            "final_level": result.final_level,
            "level_name": result.level_name,
            "instrument_version": data["version"],
            "submitted_at": timezone.now(),
            "submitted_by": actor,
            "confirmed_by": None,
            "confirmed_at": None,
        }

    return workflows.transition(
        actor=actor, workflow=WORKFLOW, obj_id=assessment_id, action="submit", changes=score
    )


@transaction.atomic
def assessment_confirm(*, actor: User, assessment_id: int) -> Assessment:
    """The second assessor confirms the submitted answers and result; only then does the assessment go to
    review (two assessors per assessment). Only the assigned assessor who did not submit may confirm.
    Repeating a confirmation returns the current state."""
    return workflows.transition(
        actor=actor,
        workflow=WORKFLOW,
        obj_id=assessment_id,
        action="confirm",
        changes={"confirmed_by": actor, "confirmed_at": timezone.now()},
    )


@transaction.atomic
def assessment_review(
    *, actor: User, assessment_id: int, approve: bool, comment: str = "", valid_months: int | None = None
) -> Assessment:
    """Approve (the person's level changes, the previous result is superseded) or return with comments."""
    reviewed = {"reviewed_by": actor, "reviewed_at": timezone.now(), "review_comment": comment}

    def give_back(assessment: Assessment) -> workflows.Changes:
        if not comment.strip():
            raise errors.WrongState("退回时须填写审核意见", fields={"comment": "请填写退回原因"})
        return reviewed

    def approve_(assessment: Assessment) -> workflows.Changes:
        months = valid_months or settings.ASSESSMENT_VALID_MONTHS
        valid_until = add_months(timezone.localdate(), months)
        previous = (
            Assessment.objects.unscoped(reason="supersede the person's earlier result")
            .filter(
                elder_id=assessment.elder_id,
                status=Status.APPROVED,
                instrument__in=family(assessment.instrument),
            )
            .exclude(pk=assessment.pk)
        )
        previous.update(status=Status.SUPERSEDED, superseded_by=assessment)
        if assessment.instrument in ABILITY_INSTRUMENTS:
            people_services.elder_set_ability(
                elder_id=assessment.elder_id,
                level=assessment.final_level,
                name=assessment.level_name,
                instrument=assessment.instrument,
                valid_until=valid_until,
            )
        return {**reviewed, "valid_until": valid_until}

    done = workflows.transition(
        actor=actor,
        workflow=WORKFLOW,
        obj_id=assessment_id,
        action="approve" if approve else "return",
        changes=approve_ if approve else give_back,
    )
    if approve and done.status == Status.APPROVED:
        for hook in APPROVAL_HOOKS:
            hook(done)
    return done


# Modules above that wait for a result (长护险 reads its care level from an approved ltc-2021 assessment)
# register here; each hook gets the approved assessment inside the approval's transaction.
APPROVAL_HOOKS: list = []


def register_approval_hook(hook) -> None:
    if hook not in APPROVAL_HOOKS:
        APPROVAL_HOOKS.append(hook)


@transaction.atomic
def assessment_dispute(*, actor: User, assessment_id: int, note: str) -> Assessment:
    """Doubt about an approved result opens a 复评 (reason "review") to be done by other assessors; the
    approved result stands until the 复评 is approved."""

    def check_note(original: Assessment) -> None:
        if not note.strip():
            raise errors.WrongState("请说明对评估结果的疑问", fields={"note": "请填写复评理由"})

    original = workflows.transition(
        actor=actor, workflow=WORKFLOW, obj_id=assessment_id, action="dispute", changes=check_note
    )
    return assessment_request(
        actor=actor,
        elder_id=original.elder_id,
        instrument=original.instrument,
        reason=Reason.REVIEW,
        note=note,
        disputed_of=original,
    )


# The instruments whose approved result is the person's ability level (能力等级, the 失能 group, the basic
# service list and the allowances read it); they replace one another. ltc-2021 gives the long-term-care
# level, which the ltc module keeps on its application: it neither replaces nor is replaced by an ability
# assessment.
ABILITY_INSTRUMENTS = ("gbt42195-2022", "mzt039-2013")


def family(instrument: str) -> tuple[str, ...]:
    """The instruments an approved result of ``instrument`` supersedes."""
    return ABILITY_INSTRUMENTS if instrument in ABILITY_INSTRUMENTS else (instrument,)


RESCORE_CHUNK = 5000


def assessment_rescore(*, instrument: str, reason: str) -> dict[str, int]:
    """Re-score every submitted and approved assessment of an instrument with its current data (after a
    rule change), from the stored answers. Idempotent: unchanged results are not written. Approved results
    that change move the person's current level with them. Returns counts."""
    data = _instrument(instrument)
    counts = {"checked": 0, "changed": 0}
    qs = Assessment.objects.unscoped(reason=f"re-score after a rule change: {reason}").filter(
        instrument=instrument, status__in=[Status.SUBMITTED, Status.APPROVED]
    )
    last = 0
    while True:
        rows = list(
            qs.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk",
                "answers",
                "context",
                "total",
                "preliminary_level",
                "final_level",
                "status",
                "elder_id",
                "valid_until",
            )[:RESCORE_CHUNK]
        )
        if not rows:
            return counts
        last = rows[-1][0]
        changed, levels = [], []
        for pk, answers, context, total, preliminary, final, status, elder_id, valid_until in rows:
            result = scoring.score(data, answers, context)
            counts["checked"] += 1
            if (result.total, result.preliminary_level, result.final_level) != (total, preliminary, final):
                changed.append((result, pk))
                if status == Status.APPROVED and instrument in ABILITY_INSTRUMENTS:
                    levels.append((elder_id, result, valid_until))
        if changed:
            with transaction.atomic():
                _write_rescored(changed)
                for elder_id, result, valid_until in levels:
                    people_services.elder_set_ability(
                        elder_id=elder_id,
                        level=result.final_level,
                        name=result.level_name,
                        instrument=instrument,
                        valid_until=valid_until,
                    )
            counts["changed"] += len(changed)


def _write_rescored(changed: list[tuple[scoring.Result, int]]) -> None:
    import json

    from django.db import connection

    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET result = %s, total = %s, preliminary_level = %s, final_level = %s, "  # noqa: S608
            "level_name = %s WHERE id = %s",
            [
                (
                    json.dumps(r.as_dict(), ensure_ascii=False),
                    r.total,
                    r.preliminary_level,
                    r.final_level,
                    r.level_name,
                    pk,
                )
                for r, pk in changed
            ],
        )


# States whose work is still ahead: the assessment follows the person to their new community.
OPEN_STATES = (
    Status.REQUESTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.CONFIRMING,
    Status.SUBMITTED,
    Status.RETURNED,
)


def assessments_follow_move(moves: list[tuple[int, str, str]]) -> int:
    """people's move hook: open assessments move with the person (the receiving street reviews them);
    approved, superseded and cancelled ones stay with the community that decided them (docs/decisions.md)."""
    by_target: dict[str, list[int]] = {}
    for elder_id, _origin, target in moves:
        by_target.setdefault(target, []).append(elder_id)
    qs = Assessment.objects.unscoped(
        reason="open assessments follow a person's move (scope checked by people)"
    )
    return sum(
        qs.filter(elder_id__in=elders, status__in=OPEN_STATES).update(region_id=target)
        for target, elders in by_target.items()
    )
