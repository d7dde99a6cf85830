"""The assessment lists' filter definitions (core.lists). The assessment list: newest first on the
``assessment_list_order`` index; ``status`` may also be ``expired``, approved results past their validity
(已生效 excludes them). The re-assessment list: people whose current result runs out soon."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q

from yanglao.assessment.choices import EXPIRED, FILTER_CHOICES, Status
from yanglao.assessment.models import Assessment
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.people import selectors as people_selectors
from yanglao.people.models import Elder

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

    sort = SortFilter(
        {
            "newest": ("最新申请在前", ("-requested_at", "-pk")),
            "oldest": ("最早申请在前", ("requested_at", "pk")),
        }
    )

    keyset = ("-requested_at", "-pk")

    class Meta:
        model = Assessment
        fields: list[str] = []

    def base_queryset(self, user):
        return Assessment.objects.for_user(user).select_related("elder", "region").only(*LIST_COLUMNS)

    def filter_status(self, qs, name, value):
        today = self.today
        if value == EXPIRED:
            return qs.filter(status=Status.APPROVED, valid_until__lt=today)
        if value == Status.APPROVED:
            return qs.filter(Q(valid_until__gte=today) | Q(valid_until__isnull=True), status=value)
        return qs.filter(status=value)

    def filter_region(self, qs, name, value):
        return qs.in_region(value.strip())


class ReassessmentDueFilterSet(ScopedFilterSet):
    """The living in scope whose ability result expires within ``within_days`` days (or has expired),
    soonest first: one row per person, read from the result that counts now (``Elder.ability_valid_until``),
    so an older result superseded by a newer one never shows."""

    within_days = django_filters.NumberFilter(
        label="到期天数", method="filter_within_days", min_value=0, max_value=366
    )

    keyset = ("ability_valid_until", "pk")
    defaults = {"within_days": "30"}
    masked = ()

    class Meta:
        model = Elder
        fields: list[str] = []

    def base_queryset(self, user):
        return people_selectors.elder_list(user=user).filter(ability_valid_until__isnull=False)

    def filter_within_days(self, qs, name, value):
        return qs.filter(ability_valid_until__lte=self.today + dt.timedelta(days=int(value)))
