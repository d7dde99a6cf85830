"""The offerings list's one filter definition (core.lists): page, API and export read it."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.services import rules
from yanglao.services.choices import OrderStatus, ServiceType, SettlementStatus
from yanglao.services.models import ServiceOffering, ServiceOrder, Settlement


def serving_q(region_code: str) -> Q:
    """Offerings whose service areas contain ``region_code`` (an area is the region or one of its ancestors)."""
    return Q(areas__code__in=rules.ancestors_and_self(region_code))


class OfferingFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label="机构或项目名称", method="filter_q", max_length=100)
    service_type = django_filters.ChoiceFilter(
        label="服务类型",
        field_name="item__service_type",
        choices=ServiceType.choices,
        empty_label="全部服务类型",
    )
    government_purchased = django_filters.BooleanFilter(label="政府购买服务")
    serves = django_filters.CharFilter(label="服务社区（区划代码）", method="filter_serves", max_length=12)
    sort = SortFilter({"region": ("按机构所在区划", ("region", "pk")), "newest": ("最近更新在前", ("-pk",))})

    keyset = ("region", "pk")

    class Meta:
        model = ServiceOffering
        fields: list[str] = []

    def base_queryset(self, user):
        return (
            ServiceOffering.objects.for_user(user)
            .select_related("provider", "item", "region")
            .prefetch_related("areas")
        )

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(provider__name__icontains=value) | Q(item__name__icontains=value))

    def filter_serves(self, qs, name, value):
        value = value.strip()
        if len(value) != 12 or not value.isdigit():
            return qs.none()
        return qs.filter(serving_q(value)).distinct()


class OrderFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=OrderStatus.choices, empty_label="全部状态")
    day = django_filters.DateFilter(label="服务日期", field_name="scheduled_start", lookup_expr="date")
    service_type = django_filters.ChoiceFilter(
        label="服务类型",
        field_name="item__service_type",
        choices=ServiceType.choices,
        empty_label="全部服务类型",
    )
    sort = SortFilter(
        {
            "soonest": ("预约时间由近及远", ("scheduled_start", "pk")),
            "latest": ("预约时间由远及近", ("-scheduled_start", "-pk")),
        }
    )

    keyset = ("scheduled_start", "pk")

    class Meta:
        model = ServiceOrder
        fields: list[str] = []

    def base_queryset(self, user):
        return ServiceOrder.objects.for_user(user).select_related("elder", "provider", "item", "region")


class SettlementFilterSet(ScopedFilterSet):
    """The settlements list (结算管理): government users see their region's, a provider its own."""

    month = django_filters.CharFilter(label="结算月份", method="filter_month", max_length=7)
    status = django_filters.ChoiceFilter(
        label="状态", choices=SettlementStatus.choices, empty_label="全部状态"
    )
    q = django_filters.CharFilter(
        label="服务机构", field_name="provider__name", lookup_expr="icontains", max_length=100
    )
    sort = SortFilter(
        {
            "latest": ("月份由近及远", ("-month", "-pk")),
            "oldest": ("月份由远及近", ("month", "pk")),
        }
    )

    keyset = ("-month", "-pk")

    class Meta:
        model = Settlement
        fields: list[str] = []

    def base_queryset(self, user):
        return Settlement.objects.for_user(user).select_related("provider")

    def filter_month(self, qs, name, value):
        value = value.strip()
        try:
            year, month = (int(part) for part in value.split("-"))
            return qs.filter(month__year=year, month__month=month)
        except ValueError:
            return qs.none()
