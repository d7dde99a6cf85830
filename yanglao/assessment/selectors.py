"""Reads of the assessment workflow, always scoped."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yanglao.assessment.choices import Status
from yanglao.assessment.models import Assessment
from yanglao.core.models import Organisation, User
from yanglao.people import selectors as people_selectors


def assessment_list(*, user: User, status: str = ""):
    qs = Assessment.objects.for_user(user).select_related("elder", "region", "agency")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def assessment_get(*, user: User, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.for_user(user).select_related("elder", "region", "agency"), pk=assessment_id
    )


def assessment_audit_targets(*, user: User, query: str):
    """For the audit page's person filter (core.audit): the assessments of the people the query means."""
    elders = people_selectors.elder_person_search(user=user, query=query)
    return [(Assessment, Assessment.objects.for_user(user).filter(elder__in=elders).values("pk"))]


def assessments_for_assessor(*, user: User):
    """Today's work of an assessor: assigned, in progress or returned, oldest first."""
    open_states = [Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED]
    return (
        assessment_list(user=user)
        .filter(Q(assessor_1=user) | Q(assessor_2=user), status__in=open_states)
        .order_by("requested_at", "pk")
    )


def reassessment_due(*, user: User, within_days: int = 30, today: dt.date | None = None):
    """Current results that expire within ``within_days`` (or have expired): the re-assessment list."""
    today = today or timezone.localdate()
    return (
        assessment_list(user=user)
        .filter(status=Status.APPROVED, valid_until__lte=today + dt.timedelta(days=within_days))
        .order_by("valid_until", "pk")
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
