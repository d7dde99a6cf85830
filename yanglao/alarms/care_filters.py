"""The care-call and visit-task lists' one filter definition each (core.lists): page, API and export read it."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone

from yanglao.alarms.choices import CareCallStatus, VisitReason, VisitTaskStatus
from yanglao.alarms.models import CareCall, VisitTask
from yanglao.core.lists import ScopedFilterSet, SortFilter
from yanglao.people.choices import ElderStatus

WHO = (("mine", "分配给我的"), ("unassigned", "未分配"), ("all", "全部"))


class CareCallFilterSet(ScopedFilterSet):
    """An operator's list (今日主动关怀): by default her own calls still to make, due today or earlier, oldest
    first. Calls still to make for people who died or moved out never show (the nightly run drops them)."""

    who = django_filters.ChoiceFilter(label="分配", choices=WHO, method="filter_who", empty_label=None)
    status = django_filters.ChoiceFilter(
        label="状态", choices=CareCallStatus.choices, method="filter_status", empty_label="全部状态"
    )
    due_by = django_filters.DateFilter(label="应拨日期不晚于", field_name="due_on", lookup_expr="lte")
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)

    keyset = ("due_on", "pk")
    defaults = {"who": "mine", "status": CareCallStatus.DUE}

    class Meta:
        model = CareCall
        fields: list[str] = []

    def __init__(self, data=None, *, user, today: dt.date | None = None, **kwargs):
        defaults = {**self.defaults, "due_by": (today or timezone.localdate()).isoformat()}
        self.defaults = defaults
        super().__init__(data, user=user, today=today, **kwargs)

    def base_queryset(self, user):
        return CareCall.objects.for_user(user).select_related("elder", "region", "operator")

    def filter_who(self, qs, name, value):
        if value == "mine":
            return qs.filter(operator_id=self.user.pk)
        if value == "unassigned":
            return qs.filter(operator__isnull=True)
        return qs

    def filter_status(self, qs, name, value):
        if value == CareCallStatus.DUE:
            return qs.filter(status=value, elder__status=ElderStatus.ACTIVE)
        return qs.filter(status=value)

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class VisitTaskFilterSet(ScopedFilterSet):
    """The community's visits (上门探视任务): open ones first, the longest waiting at the top."""

    status = django_filters.ChoiceFilter(
        label="状态", choices=VisitTaskStatus.choices, empty_label="全部状态"
    )
    reason = django_filters.ChoiceFilter(label="原因", choices=VisitReason.choices, empty_label="全部原因")
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    q = django_filters.CharFilter(label="老人姓名", method="filter_q", max_length=50)
    created_from = django_filters.DateFilter(label="派发日期起", method="filter_from")
    created_to = django_filters.DateFilter(label="派发日期止", method="filter_to")
    sort = SortFilter(
        {
            "open_first": ("待上门在前（等待最久的在上）", ("-status", "created_at", "pk")),
            "newest": ("最新派发在前", ("-created_at", "-pk")),
        }
    )

    keyset = ("-status", "created_at", "pk")

    class Meta:
        model = VisitTask
        fields: list[str] = []

    def base_queryset(self, user):
        return VisitTask.objects.for_user(user).select_related("elder", "region", "closed_by")

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(elder__name__startswith=value)) if value else qs

    def filter_from(self, qs, name, value):
        return qs.filter(created_at__gte=_day_start(value))

    def filter_to(self, qs, name, value):
        return qs.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))
