"""An assessment from request to approved result, with the instrument version, answers and scores kept.

Scoped by the elder's community (denormalised into ``region_code`` at request time) and, for the agency's
staff, by the assigned agency. A submitted assessment is never edited: a correction is a new assessment
that supersedes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.assessment import instruments
from yanglao.assessment.choices import EXPIRED_LABEL, Reason, Status
from yanglao.core.models import Organisation, Region
from yanglao.core.scoping import ScopedModel
from yanglao.people.models import Elder


class Assessment(ScopedModel):
    scope_region_field = "region"
    scope_organisation_field = "agency"

    elder = models.ForeignKey(Elder, verbose_name="老人", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="所属社区", on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    instrument = models.CharField("评估量表", max_length=40)
    instrument_version = models.CharField("量表版本", max_length=20, blank=True)
    reason = models.CharField("评估原因", max_length=12, choices=Reason.choices)
    reason_note = models.CharField("原因说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    agency = models.ForeignKey(
        Organisation,
        verbose_name="评估机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估员一",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessor_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估员二",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField("作答", default=dict, blank=True)
    # Per answered field, the client's [time in ms, change id] of the change that set it: offline changes
    # arrive late and twice, and the latest change wins whatever order they arrive in.
    answer_stamps = models.JSONField("作答时间戳", default=dict, blank=True)
    context = models.JSONField("附加信息", default=dict, blank=True)
    result = models.JSONField("计分结果", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    preliminary_level = models.PositiveSmallIntegerField("初步等级", null=True, blank=True)
    final_level = models.PositiveSmallIntegerField("最终等级", null=True, blank=True)
    level_name = models.CharField("等级名称", max_length=40, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交评估员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认评估员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    disputed_of = models.ForeignKey(
        "self", verbose_name="复评对象", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "能力评估"
        permissions = [
            ("review_assessment", "审核能力评估"),
            ("perform_assessment", "实施能力评估"),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["elder", "status"]),
            models.Index(fields=["status", "valid_until"]),
            # The task list: newest first, optionally one status, read a page at a time by keyset.
            models.Index(fields=["-requested_at", "-id"], name="assessment_list_order"),
            models.Index(fields=["status", "-requested_at", "-id"], name="assessment_status_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessor_1__isnull=True) | ~Q(assessor_1=models.F("assessor_2")),
                name="assessment_two_different_assessors",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(final_level__isnull=False),
                name="assessment_approved_has_level",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("submitted_by")),
                name="assessment_confirmed_by_the_other_assessor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.instrument}"

    @property
    def is_expired(self) -> bool:
        """An approved result past its validity no longer counts."""
        return (
            self.status == Status.APPROVED
            and self.valid_until is not None
            and self.valid_until < timezone.localdate()
        )

    @property
    def status_label(self) -> str:
        """The status as users should read it: 已过期 rather than 已生效 once the validity has passed."""
        return EXPIRED_LABEL if self.is_expired else self.get_status_display()

    @property
    def instrument_name(self) -> str:
        try:
            return instruments.get(self.instrument)["name"]
        except instruments.UnknownInstrument:
            return self.instrument
