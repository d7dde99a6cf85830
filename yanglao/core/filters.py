"""core's list filters (core.lists): organisations. The page, the API and the export read the same set."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from yanglao.core.choices import OrganisationKind
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.core.models import Organisation


class OrganisationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="搜索", method="filter_q", max_length=100)
    kind = django_filters.ChoiceFilter(label="类型", choices=OrganisationKind.choices, empty_label="全部类型")
    region = django_filters.CharFilter(label="区划代码", method="filter_region", max_length=12)
    sort = SortFilter(
        {"region": ("按所在区划", ("region", "name", "pk")), "name": ("按名称", ("name", "pk"))}
    )

    keyset = ("region", "name", "pk")

    class Meta:
        model = Organisation
        fields: list[str] = []

    def base_queryset(self, user):
        return Organisation.objects.for_user(user).select_related("region")

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(credit_code=value.upper())
        )

    def filter_region(self, qs, name, value):
        return qs.in_region(value.strip())
