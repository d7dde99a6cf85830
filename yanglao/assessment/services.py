"""The assessment workflow: request → assign (agency, two assessors) → drafts → submit (scored) → the
other assessor confirms → review (approve or return) → the person's current level, valid until its date.
A dispute opens a 复评 by other assessors.

Each step is one transaction that locks the assessment and checks its state; repeating a finished step
is refused with the current state named. A confirmed submission is never edited.
"""

from __future__ import annotations

import calendar
import datetime as dt
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
from yanglao.core.errors import NotFound
from yanglao.core.models import User
from yanglao.people import selectors as people_selectors
from yanglao.people import services as people_services


def _locked(actor: User, assessment_id: int, action: str = "view") -> Assessment:
    assessment = (
        Assessment.objects.for_user(actor, action=action).select_for_update().filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise NotFound()
    return assessment


def _require(assessment: Assessment, *states: str) -> None:
    if assessment.status not in states:
        allowed = "、".join(Status(s).label for s in states)
        raise errors.WrongState(f"评估当前为“{assessment.get_status_display()}”，此操作仅适用于：{allowed}")


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
    if not actor.has_perm("assessment.change_assessment"):
        raise PermissionDenied
    assessment = _locked(actor, assessment_id, "change")
    _require(assessment, Status.REQUESTED, Status.ASSIGNED)
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
    assessment.agency, assessment.assessor_1_id, assessment.assessor_2_id = agency, first, second
    assessment.status = Status.ASSIGNED
    assessment.save(update_fields=["agency", "assessor_1", "assessor_2", "status"])
    return assessment


def _check_assessor(actor: User, assessment: Assessment) -> None:
    if actor.pk not in (assessment.assessor_1_id, assessment.assessor_2_id):
        raise PermissionDenied


def _partial_check(data: dict, answers: dict) -> None:
    """A draft may miss items but may not hold unknown items or impossible scores."""
    try:
        scoring.check_answers(data, answers)
    except scoring.ScoringError as exc:
        real = [p for p in exc.problems if "required" not in p["en"]]
        if real:
            raise errors.InvalidAnswers(real) from None


FILLABLE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.CONFIRMING)


def _reopen(assessment: Assessment) -> list[str]:
    """A change after one assessor submitted withdraws that submission: the other must see the final
    answers, so the result is cleared and the form is open again."""
    if assessment.status != Status.CONFIRMING:
        assessment.status = Status.IN_PROGRESS
        return ["status"]
    assessment.status, assessment.submitted_by, assessment.submitted_at = Status.IN_PROGRESS, None, None
    assessment.result, assessment.total, assessment.preliminary_level = {}, None, None
    assessment.final_level, assessment.level_name = None, ""
    return [
        "status",
        "submitted_by",
        "submitted_at",
        "result",
        "total",
        "preliminary_level",
        "final_level",
        "level_name",
    ]


@transaction.atomic
def assessment_save_draft(
    *, actor: User, assessment_id: int, answers: dict, context: dict | None = None
) -> Assessment:
    """Keep what the assessor has entered so far (resumable after a lost connection). Idempotent."""
    assessment = _locked(actor, assessment_id)
    _check_assessor(actor, assessment)
    _require(assessment, *FILLABLE)
    _partial_check(_instrument(assessment.instrument), answers)
    new_context = context or assessment.context
    if (answers, new_context) == (assessment.answers, assessment.context):
        return assessment
    assessment.answers, assessment.context = answers, new_context
    assessment.save(update_fields=["answers", "context", *_reopen(assessment)])
    return assessment


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
    assessment = _locked(actor, assessment_id)
    _check_assessor(actor, assessment)
    _require(assessment, *FILLABLE)
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
        return assessment
    _partial_check(_instrument(assessment.instrument), answers)
    if risks:
        context["risk_events"] = risks
    changed = (answers, context) != (assessment.answers, assessment.context)
    assessment.answers, assessment.context, assessment.answer_stamps = answers, context, stamps
    fields = ["answers", "context", "answer_stamps"]
    if changed:
        fields += _reopen(assessment)
    assessment.save(update_fields=fields)
    return assessment


@transaction.atomic
def assessment_submit(
    *, actor: User, assessment_id: int, answers: dict, context: dict | None = None
) -> Assessment:
    """Score the complete answers and hand them to the other assessor, who confirms before review."""
    assessment = _locked(actor, assessment_id)
    _check_assessor(actor, assessment)
    _require(assessment, *FILLABLE)
    data = _instrument(assessment.instrument)
    try:
        result = scoring.score(data, answers, context or {})
    except scoring.ScoringError as exc:
        raise errors.InvalidAnswers(exc.problems) from None
    assessment.answers, assessment.context, assessment.result = answers, context or {}, result.as_dict()
    assessment.total, assessment.preliminary_level = result.total, result.preliminary_level
    assessment.final_level, assessment.level_name = result.final_level, result.level_name
    assessment.instrument_version = data["version"]
    assessment.status, assessment.submitted_at, assessment.submitted_by = (
        Status.CONFIRMING,
        timezone.now(),
        actor,
    )
    assessment.confirmed_by, assessment.confirmed_at = None, None
    assessment.save()
    return assessment


@transaction.atomic
def assessment_confirm(*, actor: User, assessment_id: int) -> Assessment:
    """The second assessor confirms the submitted answers and result; only then does the assessment go to
    review (two assessors per assessment). Only the assigned assessor who did not submit may confirm.
    Repeating a confirmation returns the current state."""
    assessment = _locked(actor, assessment_id)
    _check_assessor(actor, assessment)
    if assessment.status == Status.SUBMITTED and assessment.confirmed_by_id == actor.pk:
        return assessment
    _require(assessment, Status.CONFIRMING)
    if assessment.submitted_by_id == actor.pk:
        raise errors.NeedsOtherAssessor()
    assessment.confirmed_by, assessment.confirmed_at = actor, timezone.now()
    assessment.status = Status.SUBMITTED
    assessment.save(update_fields=["confirmed_by", "confirmed_at", "status"])
    return assessment


@transaction.atomic
def assessment_review(
    *, actor: User, assessment_id: int, approve: bool, comment: str = "", valid_months: int | None = None
) -> Assessment:
    """Approve (the person's level changes, the previous result is superseded) or return with comments."""
    if not actor.has_perm("assessment.review_assessment"):
        raise PermissionDenied
    assessment = _locked(actor, assessment_id)
    _require(assessment, Status.SUBMITTED)
    if actor.pk in (assessment.assessor_1_id, assessment.assessor_2_id):
        raise errors.WrongState("评估员不能审核自己的评估")
    assessment.reviewed_by, assessment.reviewed_at, assessment.review_comment = actor, timezone.now(), comment
    if not approve:
        if not comment.strip():
            raise errors.WrongState("退回时须填写审核意见", fields={"comment": "请填写退回原因"})
        assessment.status = Status.RETURNED
        assessment.save(update_fields=["reviewed_by", "reviewed_at", "review_comment", "status"])
        return assessment
    months = valid_months or settings.ASSESSMENT_VALID_MONTHS
    assessment.valid_until = add_months(timezone.localdate(), months)
    assessment.status = Status.APPROVED
    assessment.save(update_fields=["reviewed_by", "reviewed_at", "review_comment", "status", "valid_until"])
    previous = (
        Assessment.objects.unscoped(reason="supersede the person's earlier result")
        .filter(elder_id=assessment.elder_id, status=Status.APPROVED)
        .exclude(pk=assessment.pk)
    )
    previous.update(status=Status.SUPERSEDED, superseded_by=assessment)
    people_services.elder_set_ability(
        elder_id=assessment.elder_id,
        level=assessment.final_level,
        name=assessment.level_name,
        instrument=assessment.instrument,
        valid_until=assessment.valid_until,
    )
    return assessment


@transaction.atomic
def assessment_dispute(*, actor: User, assessment_id: int, note: str) -> Assessment:
    """Doubt about an approved result opens a 复评 (reason "review") to be done by other assessors."""
    original = _locked(actor, assessment_id)
    _require(original, Status.APPROVED)
    if not note.strip():
        raise errors.WrongState("请说明对评估结果的疑问", fields={"note": "请填写复评理由"})
    return assessment_request(
        actor=actor,
        elder_id=original.elder_id,
        instrument=original.instrument,
        reason=Reason.REVIEW,
        note=note,
        disputed_of=original,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


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
                if status == Status.APPROVED:
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
