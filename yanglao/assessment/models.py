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

from yanglao.assessment.choices import Reason, Status
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
    context = models.JSONField("附加信息", default=dict, blank=True)
    result = models.JSONField("计分结果", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    preliminary_level = models.PositiveSmallIntegerField("初步等级", null=True, blank=True)
    final_level = models.PositiveSmallIntegerField("最终等级", null=True, blank=True)
    level_name = models.CharField("等级名称", max_length=40, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
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
        permissions = [("review_assessment", "审核能力评估")]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["elder", "status"]),
            models.Index(fields=["status", "valid_until"]),
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
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.instrument}"
