"""The offerings list's one filter definition (core.lists): page, API and export read it."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Mod
from django.utils import timezone

from yanglao.core import divisions
from yanglao.core.indicators import Period
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.services import quality_rules, rules
from yanglao.services.choices import (
    AlertKind,
    AlertStatus,
    ComplaintStatus,
    OrderStatus,
    ServiceType,
    SettlementStatus,
)
from yanglao.services.models import (
    Complaint,
    FollowUpCall,
    QualitySetting,
    ServiceAlert,
    ServiceOffering,
    ServiceOrder,
    Settlement,
)


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
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    served_month = django_filters.CharFilter(
        label="签退月份（YYYY-MM）", method="filter_served_month", max_length=7
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

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())

    def filter_served_month(self, qs, name, value):
        """Orders served (checked out) in a month: what the cockpit's service figures count."""
        try:
            period = Period.parse(value)
        except ValueError:
            return qs.none()
        return qs.filter(served_in(period))


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


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


SERVED = (OrderStatus.CHECKED_OUT, OrderStatus.CONFIRMED, OrderStatus.RATED)


def served_in(period: Period) -> Q:
    """Orders served in a month: checked out within it (local time) and not cancelled since."""
    return Q(
        status__in=SERVED,
        checked_out_at__gte=_day_start(period.start),
        checked_out_at__lt=_day_start(period.end + dt.timedelta(days=1)),
    )


class _RegionProviderFilters(ScopedFilterSet):
    """Street and provider filters shared by the alert and complaint lists."""

    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    provider = django_filters.NumberFilter(label="服务机构", field_name="provider_id")

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())


class AlertFilterSet(_RegionProviderFilters):
    kind = django_filters.ChoiceFilter(label="异常类型", choices=AlertKind.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=AlertStatus.choices, empty_label="全部状态")
    raised_from = django_filters.DateFilter(label="发现日期起", method="filter_from")
    raised_to = django_filters.DateFilter(label="发现日期止", method="filter_to")

    keyset = ("-raised_at", "-pk")

    class Meta:
        model = ServiceAlert
        fields: list[str] = []

    def base_queryset(self, user):
        return ServiceAlert.objects.for_user(user).select_related(
            "order__item", "order__caregiver", "provider", "region", "handled_by"
        )

    def filter_from(self, qs, name, value):
        return qs.filter(raised_at__gte=_day_start(value))

    def filter_to(self, qs, name, value):
        return qs.filter(raised_at__lt=_day_start(value + dt.timedelta(days=1)))


class ComplaintFilterSet(_RegionProviderFilters):
    status = django_filters.ChoiceFilter(
        label="状态", choices=ComplaintStatus.choices, empty_label="全部状态"
    )
    filed_from = django_filters.DateFilter(label="投诉日期起", method="filter_from")
    filed_to = django_filters.DateFilter(label="投诉日期止", method="filter_to")

    keyset = ("-filed_at", "-pk")

    class Meta:
        model = Complaint
        fields: list[str] = []

    def base_queryset(self, user):
        return Complaint.objects.for_user(user).select_related("order__item", "provider", "region")

    def filter_from(self, qs, name, value):
        return qs.filter(filed_at__gte=_day_start(value))

    def filter_to(self, qs, name, value):
        return qs.filter(filed_at__lt=_day_start(value + dt.timedelta(days=1)))


def sample_percent() -> Case | Value:
    """Each order's follow-up percent from the most specific region setting, as a SQL expression (the
    settings are a handful of rows; nearer regions are tested first)."""
    settings = {s.region_id: s.follow_up_percent for s in QualitySetting.objects.all()}
    default = settings.pop(None, quality_rules.DEFAULTS["follow_up_percent"])
    whens = []
    for code in sorted(settings, key=lambda c: len(c.rstrip("0")), reverse=True):
        lo, hi = divisions.subtree_range(code)
        whens.append(When(region_id__gte=lo, region_id__lt=hi, then=Value(settings[code])))
    if not whens:
        return Value(default)
    return Case(*whens, default=Value(default), output_field=IntegerField())


class FollowUpFilterSet(ScopedFilterSet):
    """The 待回访 list: finished orders in the sample (quality_rules.in_sample, the same rule in SQL) with no
    call that reached anyone yet."""

    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)

    keyset = ("-scheduled_start", "-pk")

    class Meta:
        model = ServiceOrder
        fields: list[str] = []

    def base_queryset(self, user):
        reached = FollowUpCall.objects.unscoped(reason="calls about orders already in scope").filter(
            order=OuterRef("pk"), reached=True
        )
        return (
            ServiceOrder.objects.for_user(user)
            .filter(status__in=(OrderStatus.CONFIRMED, OrderStatus.RATED))
            .annotate(
                bucket=Mod(F("id") * quality_rules.SAMPLE_MULTIPLIER, Value(100)),
                percent=sample_percent(),
            )
            .filter(bucket__lt=F("percent"))
            .filter(~Exists(reached))
            .select_related("elder", "item", "provider", "region", "caregiver")
        )

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())
