"""The SLA report's filter and its drill-down list (接警服务水平 → the alarms a figure counts).

One ``SlaAlarmFilterSet`` reads the report's period, scope and street, and narrows to what one figure
counts: an hour of the day, an operator, answered within / after / still pending for 60 or 180 seconds,
or handled (claimed and closed). The SQL conditions say what ``alarms/sla.py`` says in Python (tests prove
they agree): the answer is the claim, else the close; within N seconds is at most N; an unanswered alarm is
late once more than N seconds old.
"""

from __future__ import annotations

import datetime as dt

import django_filters  # type: ignore[import-untyped]
from django.db.models import DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from yanglao.alarms.choices import AlarmKind
from yanglao.alarms.models import Alarm
from yanglao.core.lists import ScopedFilterSet

# Device maintenance notices are not calls for help: the answer-time figures leave them out by default.
TECHNICAL_KINDS = (AlarmKind.OFFLINE, AlarmKind.LOW_BATTERY)
SCOPES = [("help", "求助与安全类报警（不含设备离线、电量低）"), ("all", "全部报警")]
ANSWERS = [
    ("within_60", "60 秒内接警"),
    ("late_60", "超过 60 秒或未接警"),
    ("pending_60", "未满 60 秒、待接警"),
    ("within_180", "180 秒内接警"),
    ("late_180", "超过 180 秒或未接警"),
    ("pending_180", "未满 180 秒、待接警"),
    ("handled", "已接警并结案"),
]


def month_start(today: dt.date) -> dt.date:
    return today.replace(day=1)


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class SlaAlarmFilterSet(ScopedFilterSet):
    start = django_filters.DateFilter(label="开始日期", method="filter_start")
    end = django_filters.DateFilter(label="结束日期", method="filter_end")
    scope = django_filters.ChoiceFilter(
        label="统计范围", choices=SCOPES, empty_label=None, method="filter_scope"
    )
    street = django_filters.CharFilter(label="街道（区划代码）", method="filter_street", max_length=12)
    hour = django_filters.NumberFilter(
        label="报警时段（时）", method="filter_hour", min_value=0, max_value=23
    )
    operator = django_filters.CharFilter(label="接警坐席", method="filter_operator", max_length=12)
    answer = django_filters.ChoiceFilter(label="接警情况", choices=ANSWERS, method="filter_answer")

    keyset = ("-raised_at", "-pk")
    defaults = {"scope": "help"}

    class Meta:
        model = Alarm
        fields: list[str] = []

    def __init__(self, *args, now: dt.datetime | None = None, **kwargs) -> None:
        self.now = now or timezone.now()
        super().__init__(*args, **kwargs)

    def base_queryset(self, user) -> QuerySet:
        return (
            Alarm.objects.for_user(user)
            .annotate(answered=Coalesce("claimed_at", "closed_at", output_field=DateTimeField()))
            .select_related("elder", "region", "claimed_by")
            .defer(
                *(f"elder__{f}" for f in ("id_number", "phone", "address", "registered_address", "medicines"))
            )
        )

    @property
    def qs(self) -> QuerySet:
        """The period always applies: a bare URL means this month, as the report does."""
        if not hasattr(self, "_period_qs"):
            start, end = self.period()
            self._period_qs = super().qs.filter(
                raised_at__gte=day_start(start), raised_at__lt=day_start(end + dt.timedelta(days=1))
            )
        return self._period_qs

    def period(self) -> tuple[dt.date, dt.date]:
        """The dates asked for, this month up to today by default."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return data.get("start") or month_start(self.today), data.get("end") or self.today

    def filter_start(self, qs, name, value):
        return qs  # applied in ``qs`` with its default

    filter_end = filter_start

    def filter_scope(self, qs, name, value):
        return qs if value == "all" else qs.exclude(kind__in=TECHNICAL_KINDS)

    def filter_street(self, qs, name, value):
        return qs.in_region(value.strip())

    def filter_hour(self, qs, name, value):
        return qs.filter(raised_at__hour=int(value))

    def filter_operator(self, qs, name, value):
        value = value.strip()
        if value == "none":
            return qs.filter(claimed_by__isnull=True)
        return qs.filter(claimed_by_id=int(value)) if value.isdigit() else qs.none()

    def filter_answer(self, qs, name, value):
        if value == "handled":
            return qs.filter(claimed_at__isnull=False, closed_at__isnull=False)
        kind, seconds = value.split("_")
        limit = dt.timedelta(seconds=int(seconds))
        within = Q(answered__isnull=False, answered__lte=F("raised_at") + limit)
        unanswered = Q(answered__isnull=True)
        if kind == "within":
            return qs.filter(within)
        if kind == "late":
            return qs.filter(
                Q(answered__isnull=False, answered__gt=F("raised_at") + limit)
                | (unanswered & Q(raised_at__lt=self.now - limit))
            )
        return qs.filter(unanswered & Q(raised_at__gte=self.now - limit))
