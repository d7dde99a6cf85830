"""The facility list's one filter definition (core.lists): the staff page, /api/v1/facilities and the export.

Rows carry their bed counts as correlated subqueries, so a page of 50 counts 50 facilities' beds and an export
streams without a second pass.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from yanglao.core import licences
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.facilities.choices import (
    OPERATING_FILTER_CHOICES,
    PRIVATE_SOCIAL,
    RESIDENTIAL_KINDS,
    FacilityKind,
)
from yanglao.facilities.models import Bed, Facility

LICENCE_CHOICES = [(s.kind, s.label) for s in (licences.EXPIRED, licences.DUE, licences.VALID, licences.NONE)]


def _bed_count(**conditions) -> Coalesce:
    beds = (
        Bed.objects.unscoped(reason="counts for facilities already in scope")
        .filter(facility=OuterRef("pk"), active=True, family_bed=False, **conditions)
        .order_by()
        .values("facility")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(beds, output_field=IntegerField()), Value(0))


def with_bed_counts(qs):
    """``beds_total`` and ``beds_occupied`` on each facility (institution beds; family beds are elsewhere)."""
    return qs.annotate(beds_total=_bed_count(), beds_occupied=_bed_count(occupant__isnull=False))


def licence_q(kind: str, today: dt.date) -> Q:
    """The licence rule of core.licences as a filter (the list's 许可或备案 column and the supervision view)."""
    soon = today + dt.timedelta(days=licences.WARNING_DAYS)
    held = ~Q(licence_no="")
    return {
        "none": Q(licence_no=""),
        "expired": held & Q(licence_expiry__lt=today),
        "due": held & Q(licence_expiry__gte=today, licence_expiry__lte=soon),
        "valid": held & (Q(licence_expiry__isnull=True) | Q(licence_expiry__gt=soon)),
    }.get(kind, Q())


class FacilityFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="名称或地址", method="filter_q", max_length=100)
    kind = django_filters.ChoiceFilter(label="设施类型", choices=FacilityKind.choices, empty_label="全部类型")
    region = django_filters.CharFilter(label="区划代码", method="filter_region", max_length=12)
    licence = django_filters.ChoiceFilter(
        label="许可或备案", choices=LICENCE_CHOICES, empty_label="全部许可状态", method="filter_licence"
    )
    residential = django_filters.BooleanFilter(label="设有养老床位的机构", method="filter_residential")
    operating_model = django_filters.ChoiceFilter(
        label="运营方式",
        choices=OPERATING_FILTER_CHOICES,
        empty_label="全部运营方式",
        method="filter_operating",
    )
    open_to_community = django_filters.BooleanFilter(label="向社区开放")
    meals = django_filters.BooleanFilter(label="有供餐能力", method="filter_meals")
    sort = SortFilter(
        {"region": ("按所在区划", ("region", "name", "pk")), "name": ("按名称", ("name", "pk"))}
    )

    keyset = ("region", "name", "pk")

    class Meta:
        model = Facility
        fields: list[str] = []

    def base_queryset(self, user):
        return with_bed_counts(Facility.objects.for_user(user).select_related("region", "operator"))

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def filter_region(self, qs, name, value):
        return qs.in_region(value.strip())

    def filter_licence(self, qs, name, value):
        return qs.filter(licence_q(value, self.today))

    def filter_residential(self, qs, name, value):
        return qs.filter(kind__in=RESIDENTIAL_KINDS) if value else qs.exclude(kind__in=RESIDENTIAL_KINDS)

    def filter_operating(self, qs, name, value):
        """民营 (``private_social``) is what seed 003 counts: 民办 and 公建民营 together."""
        if value == "private_social":
            return qs.filter(operating_model__in=PRIVATE_SOCIAL)
        return qs.filter(operating_model=value)

    def filter_meals(self, qs, name, value):
        return qs.filter(meal_capacity__gt=0) if value else qs.exclude(meal_capacity__gt=0)


class PublicFacilityFilterSet(ScopedFilterSet):
    """The public map's list: facilities marked public, anywhere, for anyone (no operator-internal fields
    leave through the API's schema)."""

    kind = django_filters.ChoiceFilter(label="设施类型", choices=FacilityKind.choices, empty_label="全部类型")

    keyset = ("kind", "name", "pk")  # markers drawn by kind, then name (the first card of a place)

    class Meta:
        model = Facility
        fields: list[str] = []

    def base_queryset(self, user):
        return Facility.objects.unscoped(reason="the public map lists facilities marked public").filter(
            is_public=True
        )
