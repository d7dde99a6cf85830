"""Long-term-care insurance (长期护理保险): the scheme a region runs, applications that start an ltc-2021
assessment, care plans whose home visits are the services module's orders, and the monthly settlement per
designated provider (定点服务机构) with the fund's and the person's shares."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.assessment.models import Assessment
from yanglao.core import fields
from yanglao.core.models import Organisation
from yanglao.core.scoping import ScopedModel
from yanglao.ltc.choices import (
    CareSetting,
    ExtraChoice,
    IssueDecision,
    LtcApplicant,
    LtcSettlementStatus,
    LtcStatus,
    PlanStatus,
    VisitIssue,
)
from yanglao.people.models import Elder
from yanglao.services.models import Caregiver, ServiceOrder, ServicePlan


class LtcScheme(ScopedModel):
    """The scheme's parameters for a region (a city, or a district that differs) from a date: the nearest
    region above a person wins (``ltc.scheme`` holds the defaults and checks)."""

    region = fields.region("适用区划")
    effective_from = models.DateField("生效日期")
    params = models.JSONField("参数", default=dict)
    source = models.CharField("政策依据", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "长护险参数"
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="ltc_scheme_one_per_date")
        ]


class LtcApplication(ScopedModel):
    """A claim for long-term care (长护险申请): it starts an ltc-2021 assessment; the approved result gives the
    care level and how long it holds; a qualifying level waits for a care plan."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    applicant = models.CharField("申请方式", max_length=10, choices=LtcApplicant.choices)
    applicant_name = models.CharField("申请人", max_length=50)
    provider = models.ForeignKey(
        Organisation,
        verbose_name="代为申请的定点服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    setting = models.CharField(
        "申请照护方式", max_length=12, choices=CareSetting.choices, default=CareSetting.HOME
    )
    assessment = models.ForeignKey(
        Assessment, verbose_name="需求评估", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=LtcStatus.choices, default=LtcStatus.ASSESSING)
    care_level = models.PositiveSmallIntegerField("照护等级", null=True, blank=True)
    valid_until = models.DateField("等级有效期至", null=True, blank=True)
    submitted_by = fields.actor("受理人", null=False)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    history = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "长护险申请"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["region", "status"], name="ltc_app_region_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(status__in=["assessing", "qualified", "in_care"]),
                name="ltc_app_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(care_level__isnull=True) | Q(care_level__range=(1, 6)), name="ltc_app_level_1_6"
            ),
        ]

    def __str__(self) -> str:
        return f"长护险申请 {self.pk}"


class CarePlan(ScopedModel):
    """The care plan (照护计划): level, setting, the designated provider and caregiver and, at home, the weekly
    schedule, whose visits are a services plan's orders. The provider sees its own plans."""

    scope_organisation_field = "provider"
    scope_elder_field = "elder"

    application = models.ForeignKey(
        LtcApplication, verbose_name="申请", on_delete=models.PROTECT, related_name="plans"
    )
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    care_level = models.PositiveSmallIntegerField("照护等级")
    setting = models.CharField("照护方式", max_length=12, choices=CareSetting.choices)
    provider = models.ForeignKey(
        Organisation, verbose_name="定点服务机构", on_delete=models.PROTECT, related_name="+"
    )
    caregiver = models.ForeignKey(
        Caregiver, verbose_name="护理员", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visits_per_week = models.PositiveSmallIntegerField("每周上门次数", default=0)
    minutes_per_visit = models.PositiveSmallIntegerField("每次服务时长（分钟）", default=60)
    weekdays = models.JSONField("每周服务日", default=list, blank=True)
    start_time = models.TimeField("上门时间", null=True, blank=True)
    extra_choice = models.CharField(
        "额外待遇", max_length=8, choices=ExtraChoice.choices, blank=True, default=""
    )
    hourly_yuan = models.DecimalField("居家照护价格（元/小时）", max_digits=8, decimal_places=2, default=0)
    daily_yuan = models.DecimalField("机构照护价格（元/日）", max_digits=8, decimal_places=2, default=0)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    service_plan = models.OneToOneField(
        ServicePlan,
        verbose_name="上门服务计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_by = fields.actor("制定人", null=False)
    created_at = models.DateTimeField("制定时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "照护计划"
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["provider", "status"], name="ltc_plan_provider")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="ltc_plan_dates"),
            models.CheckConstraint(condition=Q(care_level__range=(1, 6)), name="ltc_plan_level_1_6"),
        ]

    def __str__(self) -> str:
        return f"照护计划 {self.pk}"

    @property
    def weekdays_label(self) -> str:
        from yanglao.services.slots import weekdays_label

        return weekdays_label(self.weekdays)


class LtcSettlement(ScopedModel):
    """A designated provider's month with the fund (长护险结算): delivered home hours × the price and
    institution days × the daily rate, the fund's and the person's shares, visits held for review. The
    provider prepares it, the district approves it (maker-checker), then it is locked."""

    scope_region_field = ("region", "provider_region")
    scope_organisation_field = "provider"

    provider = models.ForeignKey(
        Organisation, verbose_name="定点服务机构", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("结算月份")
    region = fields.region("所属区（县）")
    provider_region = fields.region("机构登记区划", "provider_region_code")
    status = models.CharField(
        "状态", max_length=10, choices=LtcSettlementStatus.choices, default=LtcSettlementStatus.DRAFT
    )
    plans = models.PositiveIntegerField("照护计划数", default=0)
    people_home = models.PositiveIntegerField("居家照护人数", default=0)
    people_institution = models.PositiveIntegerField("机构照护人数", default=0)
    planned_visits = models.PositiveIntegerField("计划上门次数", default=0)
    delivered_visits = models.PositiveIntegerField("已完成上门次数", default=0)
    missed_visits = models.PositiveIntegerField("未上门次数", default=0)
    short_visits = models.PositiveIntegerField("时长不足次数", default=0)
    hours = models.DecimalField("结算服务小时", max_digits=12, decimal_places=2, default=0)
    days = models.PositiveIntegerField("机构照护人日", default=0)
    total_yuan = fields.yuan("结算费用（元）")
    fund_yuan = fields.yuan("基金支付（元）")
    personal_yuan = fields.yuan("个人支付（元）")
    held_yuan = fields.yuan("待审暂缓（元）")
    cash_yuan = fields.yuan("现金补助（元）")
    prepared_by = fields.actor("生成人", null=False)
    prepared_at = models.DateTimeField("生成时间", default=timezone.now)
    approved_by = fields.actor("审核人")
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    history = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "长护险结算单"
        ordering = ["-month", "provider_id"]
        permissions = [
            ("approve_ltcsettlement", "审核长护险结算单"),
            ("export_ltcsettlement", "导出长护险结算单"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="ltc_settlement_one_per_month")
        ]


class LtcSettlementLine(ScopedModel):
    """One care plan's month in a settlement."""

    scope_organisation_field = "provider"
    scope_elder_field = "elder"

    settlement = models.ForeignKey(LtcSettlement, on_delete=models.CASCADE, related_name="lines")
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="+")
    elder = models.ForeignKey(Elder, on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    setting = models.CharField("照护方式", max_length=12, choices=CareSetting.choices)
    care_level = models.PositiveSmallIntegerField("照护等级")
    planned_visits = models.PositiveIntegerField("计划上门次数", default=0)
    delivered_visits = models.PositiveIntegerField("已完成上门次数", default=0)
    missed_visits = models.PositiveIntegerField("未上门次数", default=0)
    short_visits = models.PositiveIntegerField("时长不足次数", default=0)
    hours = models.DecimalField("结算服务小时", max_digits=8, decimal_places=2, default=0)
    days = models.PositiveSmallIntegerField("机构照护天数", default=0)
    total_yuan = models.DecimalField("结算费用（元）", max_digits=10, decimal_places=2, default=0)
    fund_yuan = models.DecimalField("基金支付（元）", max_digits=10, decimal_places=2, default=0)
    personal_yuan = models.DecimalField("个人支付（元）", max_digits=10, decimal_places=2, default=0)
    held_yuan = models.DecimalField("待审暂缓（元）", max_digits=10, decimal_places=2, default=0)
    cash_yuan = models.DecimalField("现金补助（元）", max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "长护险结算明细"
        indexes = [models.Index(fields=["settlement", "id"], name="ltc_line_settlement")]


class LtcVisitIssue(ScopedModel):
    """A delivered visit held for review (服务时长不足): its money waits until the district decides (照付, 按实际
    时长支付, 拒付)."""

    scope_organisation_field = "provider"

    settlement = models.ForeignKey(LtcSettlement, on_delete=models.CASCADE, related_name="issues")
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("问题", max_length=8, choices=VisitIssue.choices, default=VisitIssue.SHORT)
    planned_minutes = models.PositiveSmallIntegerField("计划时长（分钟）")
    served_minutes = models.PositiveSmallIntegerField("实际时长（分钟）", null=True, blank=True)
    decision = models.CharField(
        "处理结果", max_length=8, choices=IssueDecision.choices, default=IssueDecision.PENDING
    )
    note = models.CharField("处理说明", max_length=200, blank=True)
    decided_by = fields.actor("处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "长护险待审服务"
        constraints = [
            models.UniqueConstraint(fields=["settlement", "order"], name="ltc_issue_one_per_order")
        ]
