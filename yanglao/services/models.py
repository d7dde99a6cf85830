"""Home and community services (居家社区养老服务): the catalogue, its check-in rules, the basic service list and
the providers' offerings. Orders, dispatch and settlement build on these."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from yanglao.core.models import Organisation, Region
from yanglao.core.scoping import ScopedModel
from yanglao.people import groups
from yanglao.people.models import Elder
from yanglao.services.choices import (
    AlertKind,
    AlertStatus,
    BreachAction,
    Channel,
    ComplaintStatus,
    ConfirmVia,
    ExceptionDecision,
    ListCategory,
    OrderStatus,
    Payer,
    Satisfaction,
    ServiceType,
    SettlementStatus,
    Skill,
    Unit,
    VisitKind,
    VisitOutcome,
)


class ServiceItem(models.Model):
    """One item of the service catalogue (助浴, 助洁 …). The catalogue is the same everywhere; what a district
    changes is the item's check-in rules (``CheckInRule``) and the prices providers offer."""

    code = models.CharField("编码", max_length=20, unique=True)
    name = models.CharField("服务项目", max_length=60)
    service_type = models.CharField("服务类型", max_length=20, choices=ServiceType.choices)
    unit = models.CharField("计量单位", max_length=10, choices=Unit.choices)
    standard_minutes = models.PositiveSmallIntegerField("标准时长（分钟）")
    skill = models.CharField("所需资质", max_length=20, choices=Skill.choices)
    active = models.BooleanField("启用", default=True)
    shipped = models.BooleanField(
        "系统默认项目", default=True, help_text="随系统提供的默认项目，未经官方文本核实"
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务项目"
        ordering = ["service_type", "code"]

    def __str__(self) -> str:
        return self.name


class CheckInRule(models.Model):
    """An item's check-in rules for a region (a district changes them in one place); the row without a region is
    the shipped default (UNCONFIRMED thresholds: no public numbers exist, see research/operations.md)."""

    item = models.ForeignKey(
        ServiceItem, verbose_name="服务项目", on_delete=models.CASCADE, related_name="rules"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        on_delete=models.PROTECT,
        db_column="region_code",
        null=True,
        blank=True,
        related_name="+",
    )
    max_distance_in_m = models.PositiveIntegerField("签到最大距离（米）")
    max_distance_out_m = models.PositiveIntegerField("签退最大距离（米）")
    late_start_minutes = models.PositiveSmallIntegerField("允许迟到（分钟）")
    early_leave_minutes = models.PositiveSmallIntegerField("允许早退（分钟）")
    min_service_minutes = models.PositiveSmallIntegerField("最短服务时长（分钟）")
    photos_required = models.PositiveSmallIntegerField("须上传照片（张）", default=0)
    on_distance = models.CharField("位置超距时", max_length=10, choices=BreachAction.choices)
    on_late = models.CharField("迟到时", max_length=10, choices=BreachAction.choices)
    on_early = models.CharField("早退时", max_length=10, choices=BreachAction.choices)
    on_short = models.CharField("时长不足时", max_length=10, choices=BreachAction.choices)
    is_default = models.BooleanField("系统默认值", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "签到规则"
        constraints = [
            models.UniqueConstraint(fields=["item", "region"], name="checkin_rule_item_region"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(region__isnull=True), name="checkin_rule_one_default"
            ),
            models.CheckConstraint(condition=Q(photos_required__lte=3), name="checkin_rule_photos_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.item}（{self.region_id or '系统默认'}）"


class BasicServiceList(ScopedModel):
    """A region's basic elderly-care service list (基本养老服务清单), in force from a date. Lists are loaded as
    data from the official attachment; ``confirmed`` is false for anything typed from memory."""

    region = models.ForeignKey(
        Region, verbose_name="发布区划", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    title = models.CharField("清单名称", max_length=200)
    effective_from = models.DateField("施行日期")
    source = models.CharField("依据文件", max_length=300, blank=True)
    confirmed = models.BooleanField("已对照官方文本核实", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "基本养老服务清单"
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="basic_list_region_date")
        ]

    def __str__(self) -> str:
        return self.title


class BasicServiceListRow(models.Model):
    """One row of a list: what, for whom (special groups, ability level), how much, and who pays."""

    service_list = models.ForeignKey(
        BasicServiceList, verbose_name="清单", on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveSmallIntegerField("序号")
    category = models.CharField("类别", max_length=10, choices=ListCategory.choices)
    name = models.CharField("服务项目", max_length=100)
    item = models.ForeignKey(
        ServiceItem, verbose_name="对应服务目录项目", null=True, blank=True, on_delete=models.PROTECT
    )
    target_groups = models.JSONField("服务对象（特殊群体）", default=list, blank=True)
    min_ability_level = models.PositiveSmallIntegerField("最低能力等级", null=True, blank=True)
    monthly_hours = models.DecimalField(
        "每月服务时长（小时）", max_digits=6, decimal_places=1, null=True, blank=True
    )
    monthly_yuan = models.DecimalField(
        "每月金额（元）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    frequency = models.CharField("频次或标准", max_length=100, blank=True)
    payer = models.CharField("支付方", max_length=12, choices=Payer.choices)

    class Meta:
        verbose_name = verbose_name_plural = "基本养老服务清单条目"
        ordering = ["service_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["service_list", "position"], name="basic_list_row_position")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_group_labels(self) -> list[str]:
        return [groups.BY_CODE[c].label for c in self.target_groups if c in groups.BY_CODE]


class ServiceOffering(ScopedModel):
    """A provider's offer of a catalogue item: its price, whether the government buys it (at the contracted
    price) and where it serves. Scoped by the provider's own region and organisation (copied on the row)."""

    scope_organisation_field = "provider"

    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="机构所在区划",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
        editable=False,
    )
    item = models.ForeignKey(ServiceItem, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField("价格（元/单位）", max_digits=8, decimal_places=2)
    government_purchased = models.BooleanField("政府购买服务", default=False)
    contracted_price = models.DecimalField(
        "政府购买合同价（元/单位）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    areas = models.ManyToManyField(Region, verbose_name="服务区域", related_name="+", blank=True)
    active = models.BooleanField("在售", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务机构服务项目"
        indexes = [models.Index(fields=["region", "id"], name="offering_region_keyset")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "item"], name="offering_provider_item"),
            models.CheckConstraint(condition=Q(price__gte=0), name="offering_price_not_negative"),
            models.CheckConstraint(
                condition=Q(government_purchased=False) | Q(contracted_price__gte=0),
                name="offering_purchase_has_contract_price",
            ),
        ]


class Caregiver(ScopedModel):
    """A provider's field worker as dispatch sees them: the skills they hold and where they set out from.
    (Certificates, training and filing belong to the workforce module.)"""

    scope_organisation_field = "provider"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT, related_name="caregiver"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="机构所在区划",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50)
    skills = models.JSONField("资质", default=list)
    lat = models.FloatField("出发地纬度", null=True, blank=True)
    lng = models.FloatField("出发地经度", null=True, blank=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "护理员"

    def __str__(self) -> str:
        return self.name


class MonthlyAllowance(ScopedModel):
    """A person's government-purchased allowance for one month, from the basic service lists in force on the
    month's first day (granted by the nightly job, or made by the month's first order when that comes first).
    Orders lock this row, so it is never spent twice."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    month = models.DateField("月份")  # the first day of the month
    hours_granted = models.DecimalField("每月服务时长（小时）", max_digits=6, decimal_places=1, default=0)
    yuan_granted = models.DecimalField("每月金额（元）", max_digits=8, decimal_places=2, default=0)
    hours_used = models.DecimalField("已用时长（小时）", max_digits=6, decimal_places=1, default=0)
    yuan_used = models.DecimalField("已用金额（元）", max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "政府购买服务额度"
        constraints = [
            models.UniqueConstraint(fields=["elder", "month"], name="allowance_elder_month"),
            models.CheckConstraint(
                condition=Q(hours_used__lte=models.F("hours_granted"))
                & Q(yuan_used__lte=models.F("yuan_granted")),
                name="allowance_never_exceeded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.month:%Y-%m}"

    @property
    def hours_left(self):
        return self.hours_granted - self.hours_used

    @property
    def yuan_left(self):
        return self.yuan_granted - self.yuan_used


class ServiceOrder(ScopedModel):
    """One visit (or a number of units) of an item for a person from a provider, with its price split.
    Scoped by the person's community and the provider, both copied on the row; a family sees its people's."""

    scope_organisation_field = "provider"
    scope_elder_field = "elder"

    client_key = models.CharField("客户端幂等键", max_length=64, unique=True)
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    offering = models.ForeignKey(
        ServiceOffering, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name="服务目录项目", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField("数量", max_digits=5, decimal_places=1)
    scheduled_start = models.DateTimeField("预约开始时间")
    scheduled_end = models.DateTimeField("预约结束时间")
    unit_price = models.DecimalField("单价（元）", max_digits=8, decimal_places=2)
    contracted_price = models.DecimalField(
        "合同价（元）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    covered_units = models.DecimalField("政府购买数量", max_digits=5, decimal_places=1, default=0)
    government_yuan = models.DecimalField("政府支付（元）", max_digits=10, decimal_places=2, default=0)
    self_pay_yuan = models.DecimalField("个人支付（元）", max_digits=10, decimal_places=2, default=0)
    hours_used = models.DecimalField("占用额度（小时）", max_digits=6, decimal_places=1, default=0)
    yuan_used = models.DecimalField("占用额度（元）", max_digits=8, decimal_places=2, default=0)
    allowance = models.ForeignKey(
        MonthlyAllowance, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=OrderStatus.choices, default=OrderStatus.REQUESTED
    )
    caregiver = models.ForeignKey(
        Caregiver,
        verbose_name="护理员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    channel = models.CharField("下单方式", max_length=10, choices=Channel.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下单人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=300, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_at = models.DateTimeField("下单时间", auto_now_add=True)
    # The visit, as the caregiver's phone reported it: the phone's own clock, the server's receipt, where.
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checkin_received_at = models.DateTimeField("签到上报时间", null=True, blank=True)
    checkin_lat = models.FloatField("签到纬度", null=True, blank=True)
    checkin_lng = models.FloatField("签到经度", null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField("签到距离（米）", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    checkout_received_at = models.DateTimeField("签退上报时间", null=True, blank=True)
    checkout_lat = models.FloatField("签退纬度", null=True, blank=True)
    checkout_lng = models.FloatField("签退经度", null=True, blank=True)
    checkout_distance_m = models.PositiveIntegerField("签退距离（米）", null=True, blank=True)
    served_minutes = models.PositiveIntegerField("服务时长（分钟）", null=True, blank=True)
    checklist = models.JSONField("已完成服务内容", default=list, blank=True)
    visit_note = models.CharField("服务记录", max_length=300, blank=True)
    photos = models.PositiveSmallIntegerField("服务照片数", default=0)
    synced_late = models.BooleanField("离线补传", default=False)
    confirm_code = models.CharField("确认码", max_length=6, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_via = models.CharField("确认方式", max_length=10, choices=ConfirmVia.choices, blank=True)
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    rating_comment = models.CharField("评价", max_length=300, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    abort_reason = models.CharField("异常终止原因", max_length=200, blank=True)
    # Check-out photos, stored private under random names (no personal data in a name); ``photos`` counts them.
    photo_files = models.JSONField("服务照片文件", default=list, blank=True)
    plan = models.ForeignKey(
        "ServicePlan",
        verbose_name="周期服务计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务工单"
        permissions = [
            ("review_serviceorder", "街道初审服务工单"),
            ("approve_serviceorder", "区县审核服务工单"),
            ("dispatch_serviceorder", "派单"),
            ("accept_serviceorder", "接单或退回工单"),
        ]
        indexes = [
            models.Index(fields=["region", "id"], name="order_region_keyset"),
            models.Index(fields=["provider", "scheduled_start"], name="order_provider_day"),
            models.Index(fields=["caregiver", "scheduled_start"], name="order_caregiver_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_quantity_positive"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="order_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=models.F("scheduled_start")), name="order_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.scheduled_start:%Y-%m-%d %H:%M}"


class VisitAction(ScopedModel):
    """One report from a caregiver's phone (check-in, checklist, check-out, confirmation), kept as sent.

    The phone queues reports while it has no signal and sends them later, each with its own key: a report
    sent twice is recorded once (``key`` is unique) and answered with the first outcome. ``phone_time`` is the
    phone's clock, ``received_at`` the server's, so a late upload and a wrong clock both show."""

    scope_organisation_field = "provider"

    key = models.CharField("幂等键", max_length=64, unique=True)
    order = models.ForeignKey(
        ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="actions"
    )
    caregiver = models.ForeignKey(
        Caregiver, verbose_name="护理员", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    kind = models.CharField("类型", max_length=10, choices=VisitKind.choices)
    phone_time = models.DateTimeField("手机时间")
    received_at = models.DateTimeField("服务器接收时间", auto_now_add=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=VisitOutcome.choices)
    message = models.CharField("说明", max_length=300, blank=True)
    code = models.CharField("结果代码", max_length=60, blank=True)  # the refusal's or the first flag's code

    class Meta:
        verbose_name = verbose_name_plural = "上门服务记录"
        indexes = [models.Index(fields=["order", "received_at"], name="visit_action_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_id}"


class ServiceAlert(ScopedModel):
    """A quality alert (服务质量实时监控) on one order: raised by a check-in rule, the periodic watcher, a low
    rating or a complaint; handled and closed with a note. One per order and kind, so nothing counts twice."""

    scope_organisation_field = "provider"

    order = models.ForeignKey(
        ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="alerts"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    kind = models.CharField("异常类型", max_length=12, choices=AlertKind.choices)
    action = models.CharField(
        "处理规则", max_length=10, choices=BreachAction.choices, default=BreachAction.WARN
    )
    message = models.CharField("说明", max_length=300)
    raised_at = models.DateTimeField("发现时间")
    status = models.CharField("状态", max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务质量异常"
        permissions = [("handle_servicealert", "处理服务质量异常")]
        indexes = [
            models.Index(fields=["region", "raised_at"], name="alert_region_time"),
            models.Index(fields=["provider", "status", "raised_at"], name="alert_provider_open"),
        ]
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="alert_order_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_id}"


class QualitySetting(models.Model):
    """The quality monitor's thresholds for a region: how long the watcher waits before a missing check-in or
    check-out is an alert, what rating is low, how many finished orders are called back, and the complaint
    deadlines in working days. The row without a region is the shipped default (UNCONFIRMED: no public
    numbers exist); a district or street may set its own, and the most specific one wins."""

    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        on_delete=models.PROTECT,
        db_column="region_code",
        null=True,
        blank=True,
        related_name="+",
    )
    no_show_minutes = models.PositiveSmallIntegerField("未签到判定（预约开始后分钟）", default=30)
    no_checkout_minutes = models.PositiveSmallIntegerField("未签退判定（预约结束后分钟）", default=60)
    low_rating_max = models.PositiveSmallIntegerField("低评分（不高于几星）", default=2)
    follow_up_percent = models.PositiveSmallIntegerField("回访抽样比例（%）", default=10)
    reply_days = models.PositiveSmallIntegerField("投诉答复时限（工作日）", default=2)
    resolve_days = models.PositiveSmallIntegerField("投诉办结时限（工作日）", default=20)
    is_default = models.BooleanField("系统默认值", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务质量监控设置"
        constraints = [
            # One row per region and one default (NULL is not equal to NULL in a plain unique index).
            models.UniqueConstraint(Coalesce("region", Value("default")), name="quality_setting_region"),
            models.CheckConstraint(
                condition=Q(low_rating_max__gte=1, low_rating_max__lte=4), name="quality_setting_rating_1_4"
            ),
            models.CheckConstraint(condition=Q(follow_up_percent__lte=100), name="quality_setting_percent"),
        ]

    def __str__(self) -> str:
        return f"服务质量监控设置（{self.region_id or '系统默认'}）"


class FollowUpCall(ScopedModel):
    """One follow-up call (回访) about a finished order: whether the family or the person was reached and how
    satisfied they were. An unsatisfied answer raises a low-rating alert on the order."""

    scope_organisation_field = "provider"

    order = models.ForeignKey(
        ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="follow_ups"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField("回访时间")
    reached = models.BooleanField("已接通")
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    note = models.CharField("回访记录", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务回访"
        indexes = [models.Index(fields=["region", "called_at"], name="follow_up_region_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=False, satisfaction="") | Q(reached=True) & ~Q(satisfaction=""),
                name="follow_up_reached_has_answer",
            )
        ]

    def __str__(self) -> str:
        return f"回访 {self.order_id}"


class Complaint(ScopedModel):
    """A complaint (投诉) about one order: filed by the family or by an advisor or operator for them, answered
    by the provider within the reply deadline and settled within the resolve deadline (working days; a
    missed deadline escalates it to the government); the family rates the resolution."""

    scope_organisation_field = "provider"
    scope_elder_field = "elder"

    order = models.ForeignKey(
        ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="complaints"
    )
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="投诉登记人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("投诉时间")
    text = models.CharField("投诉内容", max_length=500)
    status = models.CharField(
        "状态", max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.PENDING
    )
    reply_due = models.DateField("答复期限")
    resolve_due = models.DateField("办结期限")
    reply = models.CharField("机构答复", max_length=500, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    resolution = models.CharField("办结说明", max_length=500, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolution_rating = models.PositiveSmallIntegerField("办结评价", null=True, blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重开次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "服务投诉"
        permissions = [
            ("reply_complaint", "答复服务投诉"),
            ("resolve_complaint", "办结服务投诉"),
            ("rate_complaint", "评价投诉办理结果"),
        ]
        indexes = [
            models.Index(fields=["region", "filed_at"], name="complaint_region_time"),
            models.Index(fields=["status", "reply_due"], name="complaint_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_rating__isnull=True)
                | Q(resolution_rating__gte=1, resolution_rating__lte=5),
                name="complaint_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"投诉 {self.pk}（工单 {self.order_id}）"


class ServicePlan(ScopedModel):
    """A recurring plan (周期服务计划): an item for a person on given weekdays at one time ("every Tuesday and
    Friday at 9:00"). ``plan_generate`` places the coming days' orders from it, each under a key made of the
    plan and the day, so running it twice places nothing twice. A plan stops (``active`` false, with a reason)
    by hand or when the person dies or moves away."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    offering = models.ForeignKey(
        ServiceOffering, verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    weekdays = models.JSONField("每周服务日")  # ISO weekdays, 1 = Monday … 7 = Sunday
    start_time = models.TimeField("开始时间")
    quantity = models.DecimalField("数量", max_digits=5, decimal_places=1, default=1)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    active = models.BooleanField("执行中", default=True)
    stop_reason = models.CharField("停止原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    generated_until = models.DateField("已生成至", null=True, blank=True)
    # A plan made for another scheme (长护险: ``ltc``) places its orders under that channel, which keeps them
    # out of this module's settlement, and sends each to the plan's named caregiver when they are free.
    channel = models.CharField("下单方式", max_length=10, default="plan")
    caregiver = models.ForeignKey(
        "services.Caregiver",
        verbose_name="指定护理员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "周期服务计划"
        indexes = [models.Index(fields=["active", "region"], name="plan_active_region")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="plan_quantity_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.offering_id} {self.weekdays}"

    @property
    def weekdays_label(self) -> str:
        from yanglao.services.slots import weekdays_label

        return weekdays_label(self.weekdays)


class Settlement(ScopedModel):
    """A provider's monthly settlement with the government (结算单): one per provider and month, made by the
    provider (草稿 → 已提交), checked by the street of the provider's registered region (街道已审核) and approved
    by the district (已批准), after which the month is locked: nothing on it changes, corrections land in the
    next open month as ``SettlementAdjustment``s. The figures are recomputed from the month's confirmed and
    rated orders while it is a draft. Scoped by the district (``region``) and the provider's own registered
    region (``provider_region``), so the street that checks it sees it and the neighbouring street does not."""

    scope_region_field = ("region", "provider_region")
    scope_organisation_field = "provider"

    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("结算月份")  # the month's first day
    region = models.ForeignKey(
        Region,
        verbose_name="所属区（县）",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
    )
    provider_region = models.ForeignKey(
        Region,
        verbose_name="机构登记区划",
        on_delete=models.PROTECT,
        db_column="provider_region_code",
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=20, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT
    )
    orders = models.PositiveIntegerField("工单数", default=0)
    confirmed = models.PositiveIntegerField("已确认工单数", default=0)
    exceptions = models.PositiveIntegerField("异常工单数", default=0)
    government_yuan = models.DecimalField("政府支付（元）", max_digits=14, decimal_places=2, default=0)
    self_pay_yuan = models.DecimalField("个人支付（元）", max_digits=14, decimal_places=2, default=0)
    adjustments_yuan = models.DecimalField("往月调整（元）", max_digits=14, decimal_places=2, default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField("生成时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="街道审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField("街道审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="区（县）批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    # Every step as it happened ({"action", "user", "at", "reason"}): the page's history of approvals.
    history = models.JSONField("审批记录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结算单"
        permissions = [
            ("submit_settlement", "提交结算单"),
            ("check_settlement", "街道审核结算单"),
            ("approve_settlement", "区县批准结算单"),
            ("decide_settlement", "处理结算异常工单"),
            ("adjust_settlement", "调整已锁定月份"),
        ]
        indexes = [
            models.Index(fields=["region", "month", "id"], name="settlement_region_month"),
            models.Index(fields=["provider_region", "month"], name="settlement_provider_region"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="settlement_provider_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="settlement_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.month:%Y年%m月}结算单"

    @property
    def payable_yuan(self):
        """What the government pays this month: the month's own share and the corrections landing in it."""
        return self.government_yuan + self.adjustments_yuan


class SettlementException(ScopedModel):
    """An order of the month with an alert (异常工单): kept out of the payment until the government decides —
    照付 pays it, 核减 pays the government share less the cut, 拒付 pays nothing. One per settlement and order."""

    scope_region_field = ("region", "provider_region")
    scope_organisation_field = "provider"

    settlement = models.ForeignKey(
        Settlement, verbose_name="结算单", on_delete=models.CASCADE, related_name="exception_rows"
    )
    order = models.ForeignKey(ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所属区（县）",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
    )
    provider_region = models.ForeignKey(
        Region,
        verbose_name="机构登记区划",
        on_delete=models.PROTECT,
        db_column="provider_region_code",
        related_name="+",
    )
    reasons = models.JSONField("异常原因", default=list)  # [{"kind", "label", "message"}]
    decision = models.CharField(
        "处理结果", max_length=10, choices=ExceptionDecision.choices, default=ExceptionDecision.PENDING
    )
    cut_yuan = models.DecimalField("核减金额（元）", max_digits=10, decimal_places=2, default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("处理说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结算异常工单"
        constraints = [
            models.UniqueConstraint(fields=["settlement", "order"], name="settlement_exception_order"),
            models.CheckConstraint(condition=Q(cut_yuan__gte=0), name="settlement_cut_not_negative"),
        ]

    def __str__(self) -> str:
        return f"异常工单 {self.order_id}"


class SettlementAdjustment(ScopedModel):
    """A correction to a locked (approved) month, landing in the provider's next open month's settlement:
    the approved month itself never changes. Deltas may be negative (money paid back)."""

    scope_region_field = ("region", "provider_region")
    scope_organisation_field = "provider"

    settlement = models.ForeignKey(
        Settlement, verbose_name="计入结算单", on_delete=models.PROTECT, related_name="adjustment_rows"
    )
    order = models.ForeignKey(ServiceOrder, verbose_name="工单", on_delete=models.PROTECT, related_name="+")
    from_month = models.DateField("原结算月份")
    provider = models.ForeignKey(
        Organisation, verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所属区（县）",
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
    )
    provider_region = models.ForeignKey(
        Region,
        verbose_name="机构登记区划",
        on_delete=models.PROTECT,
        db_column="provider_region_code",
        related_name="+",
    )
    government_yuan = models.DecimalField("政府支付调整（元）", max_digits=10, decimal_places=2)
    self_pay_yuan = models.DecimalField("个人支付调整（元）", max_digits=10, decimal_places=2, default=0)
    reason = models.CharField("调整原因", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="调整人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("调整时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结算调整"

    def __str__(self) -> str:
        return f"{self.from_month:%Y年%m月}调整 {self.order_id}"
