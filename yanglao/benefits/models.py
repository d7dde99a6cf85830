"""Subsidy policies (补贴政策) as data, claims where a policy needs one, the monthly payment batch (发放批次)
with its lines, findings and stops, the bank account a person is paid into, and the ledgers of adjustments
and recoveries (追回). Nothing that was paid is ever changed: a correction is a later line.

Every row carries its own region code (decision 40): a payment line and a recovery the person's community,
so the street sees its people's lines and a family sees its own person's, never a join away.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.benefits.choices import (
    Applicant,
    ApplicationStatus,
    BatchStatus,
    FindingKind,
    Frequency,
    PaymentKind,
    PaymentStatus,
    PolicyKind,
    RecoveryStatus,
    StopReason,
)
from yanglao.core import fields
from yanglao.core.crypto import EncryptedTextField
from yanglao.core.scoping import ScopedModel
from yanglao.people.models import Elder


class BenefitPolicy(ScopedModel):
    """One version of a policy of a region (a city or a district), in force from ``effective_from`` until
    ``effective_to`` (inclusive; empty: open). A person is under the policy of the same ``code`` set by the
    nearest region above their community, so a district's own version overrides its city's. A revision is
    a new version: the previous one ends the day before; a paid month keeps the version it was paid by."""

    region = fields.region("制定区划")
    code = models.SlugField("政策代码", max_length=40)
    name = models.CharField("政策名称", max_length=60)
    kind = models.CharField("补贴类别", max_length=10, choices=PolicyKind.choices, default=PolicyKind.CASH)
    version = models.PositiveIntegerField("版本", default=1)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    rule = models.JSONField("享受条件", default=dict)
    bands = models.JSONField("补贴标准", default=list)
    frequency = models.CharField(
        "发放频次", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    requires_application = models.BooleanField("须本人申请", default=False)
    stacking_group = models.CharField(
        "不可叠加组",
        max_length=40,
        blank=True,
        default="",
        help_text="同组政策只发放金额最高的一项；留空为可叠加",
    )
    source = models.CharField("政策依据", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = fields.actor("制定人")
    created_at = models.DateTimeField("制定时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "补贴政策"
        ordering = ["code", "-effective_from"]
        permissions = [("manage_policy", "制定和修订补贴政策")]
        constraints = [
            models.UniqueConstraint(fields=["region", "code", "version"], name="benefit_policy_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="benefit_policy_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class PayeeAccount(ScopedModel):
    """The bank account a person's cash benefits go into (发放账户): the person's own or an agent's (代领人).
    The number is encrypted; ``account_hash`` finds one account paid for several people."""

    scope_elder_field = "elder"

    elder = models.OneToOneField(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    bank = models.CharField("开户银行", max_length=40)
    account_number = EncryptedTextField("银行账号")
    account_hash = models.CharField(max_length=32, db_index=True)
    account_last4 = models.CharField("账号后四位", max_length=4)
    holder_name = models.CharField("户名", max_length=50)
    holder_relation = models.CharField("与老人关系", max_length=10, default="本人")
    updated_by = fields.actor("登记人")
    updated_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "发放账户"
        permissions = [("reveal_payeeaccount", "查看完整银行账号")]

    def __str__(self) -> str:
        return f"{self.bank} {self.account_masked}"

    @property
    def account_masked(self) -> str:
        return f"****{self.account_last4}" if self.account_last4 else ""


class BenefitApplication(ScopedModel):
    """A claim for a policy that needs one (申请 → 街道初审 → 区县审核): made by the person, a family member or
    the community on their behalf, with the documents seen and each step's opinion. An approved claim lets
    the batch pay the person while the rule holds; ending it (终止) stops that."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    policy_code = models.SlugField("政策代码", max_length=40)
    policy_name = models.CharField("政策名称", max_length=60)
    applicant = models.CharField("申请方式", max_length=10, choices=Applicant.choices)
    applicant_name = models.CharField("申请人", max_length=50)
    documents = models.JSONField("已核验材料", default=list, blank=True)
    reason = models.CharField("申请理由", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_by = fields.actor("受理人", null=False)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    street_by = fields.actor("街道初审人")
    street_at = models.DateTimeField("街道初审时间", null=True, blank=True)
    street_note = models.CharField("街道初审意见", max_length=300, blank=True)
    district_by = fields.actor("区县审核人")
    district_at = models.DateTimeField("区县审核时间", null=True, blank=True)
    district_note = models.CharField("区县审核意见", max_length=300, blank=True)
    history = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补贴申请"
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("check_benefitapplication", "街道初审补贴申请"),
            ("approve_benefitapplication", "区县审核补贴申请"),
        ]
        indexes = [models.Index(fields=["region", "status"], name="benefit_app_region_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "policy_code"],
                condition=Q(status__in=["submitted", "street_checked", "approved"]),
                name="benefit_app_one_live_per_policy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_name}申请"


class PaymentBatch(ScopedModel):
    """A month's payments for a region (发放批次). One official prepares it (编制), another approves it (审批,
    maker-checker); approved, it is locked and exported as the bank's payment file. Preparing again
    replaces a prepared batch's lines; a cancelled batch is kept for the record."""

    region = fields.region("发放区划")
    month = models.DateField("发放月份")  # the month's first day
    status = models.CharField(
        "状态", max_length=12, choices=BatchStatus.choices, default=BatchStatus.PREPARED
    )
    payments = models.PositiveIntegerField("发放人次", default=0)
    people = models.PositiveIntegerField("发放人数", default=0)
    total_yuan = fields.yuan("发放金额（元）")
    held = models.PositiveIntegerField("暂缓笔数", default=0)
    held_yuan = fields.yuan("暂缓金额（元）")
    stopped = models.PositiveIntegerField("停发人次", default=0)
    recoveries = models.PositiveIntegerField("新增追回笔数", default=0)
    recoveries_yuan = fields.yuan("新增追回金额（元）")
    findings = models.PositiveIntegerField("核查发现", default=0)
    by_policy = models.JSONField("分政策汇总", default=list)
    prepared_by = fields.actor("编制人", null=False)
    prepared_at = models.DateTimeField("编制时间", default=timezone.now)
    approved_by = fields.actor("审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    history = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放批次"
        ordering = ["-month", "region"]
        permissions = [
            ("prepare_paymentbatch", "编制发放批次"),
            ("approve_paymentbatch", "审批发放批次"),
            ("export_paymentbatch", "导出银行代发文件"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month"], condition=~Q(status="cancelled"), name="benefit_batch_one_live"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}发放批次"


class Payment(ScopedModel):
    """One line of a batch: a person, a policy, the month it pays for and the amount, with the band and the
    conditions met (the person page's 享受依据). A held line (暂缓发放) is not in the bank file; its finding
    says why."""

    scope_elder_field = "elder"

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines")
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    policy = models.ForeignKey(BenefitPolicy, verbose_name="政策", on_delete=models.PROTECT, related_name="+")
    policy_code = models.SlugField("政策代码", max_length=40)
    month = models.DateField("所属月份")
    kind = models.CharField("类别", max_length=12, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    band = models.CharField("标准档", max_length=40, blank=True)
    basis = models.CharField("享受依据", max_length=300, blank=True)
    status = models.CharField(
        "发放状态", max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PAY
    )

    class Meta:
        verbose_name = verbose_name_plural = "发放明细"
        indexes = [
            models.Index(fields=["batch", "id"], name="benefit_payment_batch"),
            models.Index(fields=["elder", "month"], name="benefit_payment_elder"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_code} {self.month:%Y-%m} {self.amount}"


class BatchFinding(ScopedModel):
    """What a batch's cross-checks found about one person (死亡, 重复, 跨区, 不可叠加, 入住机构, 账户):
    every finding is listed for the official, none dropped."""

    scope_elder_field = "elder"

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="found")
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    kind = models.CharField("核查项", max_length=16, choices=FindingKind.choices)
    policy_code = models.SlugField("政策代码", max_length=40, blank=True)
    message = models.CharField("说明", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "核查发现"
        indexes = [models.Index(fields=["batch", "kind", "id"], name="benefit_finding_batch")]


class PaymentStop(ScopedModel):
    """A person paid under a policy last month and not this month, and why (死亡, 迁出, 不再符合条件)."""

    scope_elder_field = "elder"

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="stops")
    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    policy_code = models.SlugField("政策代码", max_length=40)
    reason = models.CharField("停发原因", max_length=8, choices=StopReason.choices)
    message = models.CharField("说明", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "停发记录"
        indexes = [models.Index(fields=["batch", "id"], name="benefit_stop_batch")]


class BenefitAdjustment(ScopedModel):
    """A correction (补发 or 扣减) of an earlier month, paid as a line of the next batch that covers the
    person: an approved batch never changes."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    policy_code = models.SlugField("政策代码", max_length=40)
    month = models.DateField("所属月份")
    amount = models.DecimalField("调整金额（元）", max_digits=10, decimal_places=2)
    reason = models.CharField("调整原因", max_length=300)
    created_by = fields.actor("调整人", null=False)
    created_at = models.DateTimeField("调整时间", default=timezone.now)
    paid_in = models.ForeignKey(
        PaymentBatch,
        verbose_name="计入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "补发扣减"
        ordering = ["-created_at"]


class Recovery(ScopedModel):
    """Money paid for a month after the person had died or moved away, found late (the death list came after
    the batch): one row per over-paid line, on the person's ledger until recovered or written off."""

    scope_elder_field = "elder"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = fields.region("所属社区")
    payment = models.OneToOneField(
        Payment, verbose_name="多发明细", on_delete=models.PROTECT, related_name="recovery"
    )
    policy_code = models.SlugField("政策代码", max_length=40)
    month = models.DateField("所属月份")
    amount = models.DecimalField("应追回金额（元）", max_digits=10, decimal_places=2)
    reason = models.CharField("原因", max_length=300)
    found_in = models.ForeignKey(
        PaymentBatch,
        verbose_name="发现批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    settled_by = fields.actor("处理人")
    settled_at = models.DateTimeField("处理时间", null=True, blank=True)
    settle_note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "追回记录"
        ordering = ["-created_at", "-pk"]
        permissions = [("settle_recovery", "登记追回或核销")]
        indexes = [models.Index(fields=["region", "status"], name="benefit_recovery_open")]


class PaymentFileLayout(ScopedModel):
    """The bank's fixed-width payment file (代发文件) for a region: the fields in order with their widths in
    bytes of the file's encoding. A region without its own uses the nearest one above, else the default
    in ``benefits.bankfile``."""

    region = fields.region("适用区划")
    bank = models.CharField("代发银行", max_length=40)
    encoding = models.CharField("文件编码", max_length=10, default="gb18030")
    fields = models.JSONField("字段", default=list)
    header = models.BooleanField("首行汇总", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "代发文件格式"
        constraints = [models.UniqueConstraint(fields=["region"], name="benefit_layout_one_per_region")]
