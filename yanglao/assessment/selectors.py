"""Reads of the assessment workflow, always scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yanglao.assessment import filters
from yanglao.assessment.choices import Status
from yanglao.assessment.models import Assessment
from yanglao.core.models import Organisation, User
from yanglao.people import groups
from yanglao.people import selectors as people_selectors
from yanglao.people.models import Elder

PAGE_SIZE = 25
OPEN_STATES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.CONFIRMING)


def assessment_filterset(*, user: User, params=None) -> filters.AssessmentFilterSet:
    return filters.AssessmentFilterSet(params, user=user)


def assessment_list(*, user: User, params=None):
    """Newest first, as the page, the API and the export filter it."""
    return assessment_filterset(user=user, params=params).qs


def assessment_get(*, user: User, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(user).select_related("elder", "region", "agency"), pk=assessment_id
    )


def assessment_audit_targets(*, user: User, query: str):
    """For the audit page's person filter (core.audit): the assessments of the people the query means."""
    elders = people_selectors.elder_person_search(user=user, query=query)
    return [(Assessment, Assessment.objects.for_user(user).filter(elder__in=elders).values("pk"))]


def assessments_for_assessor(*, user: User):
    """An assessor's own open work, oldest first: assigned, in progress, returned, and submissions by her
    colleague that wait for her confirmation (her own wait for the colleague, not for her)."""
    return (
        assessment_list(user=user)
        .filter(Q(assessor_1=user) | Q(assessor_2=user), status__in=OPEN_STATES)
        .exclude(status=Status.CONFIRMING, submitted_by=user)
        .order_by("requested_at", "pk")
    )


def reassessment_due_filterset(
    *, user: User, within_days: int = 30, today: dt.date | None = None
) -> filters.ReassessmentDueFilterSet:
    """People whose result expires within ``within_days`` (or has expired): the re-assessment list."""
    return filters.ReassessmentDueFilterSet({"within_days": str(within_days)}, user=user, today=today)


def reassessment_due(*, user: User, within_days: int = 30, today: dt.date | None = None):
    return reassessment_due_filterset(user=user, within_days=within_days, today=today).qs


@dataclass(frozen=True)
class Ability:
    """A person's ability level as it counts today; an expired one is kept to say what it was."""

    level: int | None
    name: str
    valid_until: dt.date | None
    expired: bool


def elder_ability(elder: Elder, today: dt.date | None = None) -> Ability:
    today = today or timezone.localdate()
    record = elder.as_record()
    current = groups.ability_current(record, today)
    expired = current is None and elder.ability_level is not None and elder.ability_valid_until is not None
    return Ability(
        level=current,
        name=elder.ability_level_name if current is not None or expired else "",
        valid_until=elder.ability_valid_until,
        expired=expired,
    )


def agencies_for(*, user: User):
    return (
        Organisation.objects.for_user(user).filter(kind="assessment_agency", is_active=True).order_by("name")
    )


def assessors_for(*, user: User):
    """Active assessors of the agencies the user can see (for the assignment form)."""
    return (
        User.objects.filter(role="assessor", is_active=True, organisation__in=agencies_for(user=user))
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )
