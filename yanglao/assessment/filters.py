"""The assessment list's one filter definition (core.lists): newest first on the ``assessment_list_order``
index; ``status`` may also be ``expired``, approved results past their validity (已生效 excludes them)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from yanglao.assessment.choices import EXPIRED, FILTER_CHOICES, Status
from yanglao.assessment.models import Assessment
from yanglao.core.lists import ScopedFilterSet

# What a list row shows; the answers, result and context (kilobytes of JSON each) stay in the table.
LIST_COLUMNS = (
    "id",
    "elder_id",
    "region_id",
    "instrument",
    "reason",
    "status",
    "requested_at",
    "level_name",
    "valid_until",
    "submitted_by_id",
    "elder__id",
    "elder__name",
    "region__code",
    "region__name",
)


class AssessmentFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=FILTER_CHOICES, empty_label="全部状态", method="filter_status"
    )
    region = django_filters.CharFilter(label="区划代码", method="filter_region", max_length=12)

    keyset = ("-requested_at", "-pk")

    class Meta:
        model = Assessment
        fields: list[str] = []

    def base_queryset(self, user):
        return Assessment.objects.for_user(user).select_related("elder", "region").only(*LIST_COLUMNS)

    def filter_status(self, qs, name, value):
        today = timezone.localdate()
        if value == EXPIRED:
            return qs.filter(status=Status.APPROVED, valid_until__lt=today)
        if value == Status.APPROVED:
            return qs.filter(Q(valid_until__gte=today) | Q(valid_until__isnull=True), status=value)
        return qs.filter(status=value)

    def filter_region(self, qs, name, value):
        return qs.in_region(value.strip())
