"""The cockpit's tables: measures summed per region and month (the pre-aggregates every page reads) and the
plan targets, kept as versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from yanglao.core.models import Region
from yanglao.core.scoping import ScopedModel
from yanglao.dashboard.choices import Comparator, FactSource


class MeasureFact(ScopedModel):
    """One measure (core.indicators) for one region's whole subtree and one month. The nightly job writes
    a row for every region with data at every level, so a city's figure is one row, not a sum of millions.
    """

    period = models.DateField("统计期（月初）")
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    measure = models.CharField("计数项", max_length=40)
    dim = models.CharField("分项", max_length=40, blank=True, default="")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=10, choices=FactSource.choices, default=FactSource.JOB)
    computed_at = models.DateTimeField("汇总时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "指标汇总数据"
        constraints = [
            models.UniqueConstraint(fields=["region", "period", "measure", "dim"], name="measure_fact_unique")
        ]
        indexes = [models.Index(fields=["period", "measure"], name="measure_fact_period")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.region_id} {self.measure}:{self.dim}"


class MeasureRun(models.Model):
    """That a measure was counted for a month, when and how: a region without a fact row then means zero,
    while a month without a run means no data (never a made-up zero). No personal data, not scoped."""

    period = models.DateField("统计期（月初）")
    measure = models.CharField("计数项", max_length=40)
    source = models.CharField("来源", max_length=10, choices=FactSource.choices, default=FactSource.JOB)
    computed_at = models.DateTimeField("汇总时间", default=timezone.now)
    rows = models.PositiveIntegerField("行数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "指标汇总记录"
        constraints = [models.UniqueConstraint(fields=["period", "measure"], name="measure_run_unique")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.measure}"


class PlanTarget(ScopedModel):
    """A plan's target for one indicator in one region (规划目标). Edits never overwrite: a revision is a new
    version of the same ``lineage`` and the old one is kept, marked superseded."""

    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    indicator = models.CharField("指标", max_length=40)
    comparator = models.CharField(
        "比较", max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    value = models.FloatField("目标值")
    target_year = models.PositiveSmallIntegerField("目标年份")
    source_document = models.CharField("依据文件", max_length=200)
    note = models.CharField("说明", max_length=300, blank=True)
    lineage = models.PositiveIntegerField("目标编号", null=True, blank=True)  # the first version's id
    version = models.PositiveSmallIntegerField("版本", default=1)
    reason = models.CharField("修改原因", max_length=200, blank=True)
    superseded_at = models.DateTimeField("停用时间", null=True, blank=True)
    withdrawn = models.BooleanField("已撤销", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "规划目标"
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="plan_target_version"),
            models.UniqueConstraint(
                fields=["region", "indicator", "target_year"],
                condition=models.Q(superseded_at__isnull=True),
                name="plan_target_current",
            ),
        ]
        permissions = [
            ("refresh_indicators", "刷新指标汇总"),
            ("export_indicators", "导出指标报表"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.indicator} {self.comparator} {self.value:g}（{self.target_year}）"

    @property
    def current(self) -> bool:
        return self.superseded_at is None
