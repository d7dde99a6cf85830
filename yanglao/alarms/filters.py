"""The alarm list's one filter definition (core.lists): the 报警记录 page, ``GET /api/v1/alarms`` and the
export read it."""

from __future__ import annotations

import datetime as dt

import django_filters  # type: ignore[import-untyped]
from django.db.models import QuerySet
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, AlarmStatus, Severity
from yanglao.alarms.models import Alarm
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.core.models import User
from yanglao.core.scoping import RegionScopedQuerySet

ENCRYPTED = ("id_number", "phone", "registered_address", "address", "medicines")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class AlarmFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=AlarmStatus.choices, empty_label="全部状态")
    kind = django_filters.ChoiceFilter(label="报警类型", choices=AlarmKind.choices, empty_label="全部类型")
    severity = django_filters.ChoiceFilter(label="级别", choices=Severity.choices, empty_label="全部级别")
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    raised_from = django_filters.DateFilter(label="报警日期起", method="filter_from")
    raised_to = django_filters.DateFilter(label="报警日期止", method="filter_to")
    elder = django_filters.NumberFilter(label="老人编号", field_name="elder_id")
    sort = SortFilter(
        {
            "latest": ("报警时间由近及远", ("-raised_at", "-pk")),
            "oldest": ("报警时间由远及近", ("raised_at", "pk")),
        }
    )

    keyset = ("-raised_at", "-pk")

    class Meta:
        model = Alarm
        fields: list[str] = []

    def base_queryset(self, user: User) -> QuerySet[Alarm]:
        # The list shows the person's name only: their encrypted fields are never read (nor decrypted).
        return (
            Alarm.objects.for_user(user)
            .select_related("elder", "region", "device", "claimed_by")
            .defer(*(f"elder__{name}" for name in ENCRYPTED))
        )

    def filter_street(self, qs: RegionScopedQuerySet, name: str, value: str) -> QuerySet[Alarm]:
        return qs.in_region(value.strip())

    def filter_from(self, qs: QuerySet[Alarm], name: str, value: dt.date) -> QuerySet[Alarm]:
        return qs.filter(raised_at__gte=_day_start(value))

    def filter_to(self, qs: QuerySet[Alarm], name: str, value: dt.date) -> QuerySet[Alarm]:
        return qs.filter(raised_at__lt=_day_start(value + dt.timedelta(days=1)))
