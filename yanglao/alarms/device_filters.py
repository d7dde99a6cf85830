"""The device register's and the call records' one filter definition each (core.lists): page, API and export
read them."""

from __future__ import annotations

import datetime as dt

import django_filters  # type: ignore[import-untyped]
from django.db.models import Q, QuerySet
from django.utils import timezone

from yanglao.alarms.choices import CallDirection, DeviceKind, DeviceStatus
from yanglao.alarms.models import CallRecord, Device
from yanglao.core.lists import ScopedFilterSet


class DeviceFilterSet(ScopedFilterSet):
    """智能设备: by kind, status, online and street; a search box for the serial or the person's name."""

    q = django_filters.CharFilter(label="设备编号或老人姓名", method="filter_q", max_length=50)
    kind = django_filters.ChoiceFilter(label="设备类型", choices=DeviceKind.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=DeviceStatus.choices, empty_label="全部状态")
    online = django_filters.BooleanFilter(label="在线")
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    elder = django_filters.NumberFilter(label="老人", field_name="elder_id")

    keyset = ("region", "kind", "serial")  # device_region_kind; the serial is unique

    class Meta:
        model = Device
        fields: list[str] = []

    def base_queryset(self, user) -> QuerySet:
        return Device.objects.for_user(user).select_related("elder", "region", "provider")

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(serial__istartswith=value) | Q(elder__name__startswith=value)) if value else qs

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())


CALL_STATES = [
    ("ringing", "等待接听"),
    ("talking", "通话中"),
    ("ended", "已结束"),
    ("abandoned", "呼损（未接听挂断）"),
]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class CallFilterSet(ScopedFilterSet):
    """通话记录: by state, direction, operator, street and day."""

    state = django_filters.ChoiceFilter(
        label="通话状态", choices=CALL_STATES, empty_label="全部状态", method="filter_state"
    )
    direction = django_filters.ChoiceFilter(
        label="方向", choices=CallDirection.choices, empty_label="呼入与呼出"
    )
    operator = django_filters.NumberFilter(label="坐席", field_name="operator_id")
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    day_from = django_filters.DateFilter(label="日期起", method="filter_from")
    day_to = django_filters.DateFilter(label="日期止", method="filter_to")
    elder = django_filters.NumberFilter(label="老人", field_name="elder_id")

    keyset = ("-ringing_at", "-pk")

    class Meta:
        model = CallRecord
        fields: list[str] = []

    def base_queryset(self, user) -> QuerySet:
        return CallRecord.objects.for_user(user).select_related("elder", "region", "operator")

    def filter_state(self, qs, name, value):
        if value == "ringing":
            return qs.filter(answered_at__isnull=True, ended_at__isnull=True)
        if value == "talking":
            return qs.filter(answered_at__isnull=False, ended_at__isnull=True)
        if value == "ended":
            return qs.filter(ended_at__isnull=False, abandoned=False)
        return qs.filter(abandoned=True)

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())

    def filter_from(self, qs, name, value):
        return qs.filter(ringing_at__gte=_day_start(value))

    def filter_to(self, qs, name, value):
        return qs.filter(ringing_at__lt=_day_start(value + dt.timedelta(days=1)))
