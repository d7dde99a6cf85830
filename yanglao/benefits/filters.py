"""The benefits lists' filter definitions (core.lists): page, API and export read the same one."""

from __future__ import annotations

import django_filters

from yanglao.benefits.choices import ApplicationStatus, PaymentKind, PaymentStatus, RecoveryStatus
from yanglao.benefits.models import BenefitApplication, Payment, Recovery
from yanglao.core.lists import ScopedFilterSet


class PaymentFilterSet(ScopedFilterSet):
    """A batch's lines (发放明细): what each figure of the batch page adds up."""

    batch = django_filters.NumberFilter(label="发放批次", field_name="batch_id")
    policy = django_filters.CharFilter(label="补贴项目", field_name="policy_code", max_length=40)
    status = django_filters.ChoiceFilter(label="发放状态", choices=PaymentStatus.choices, empty_label="全部")
    kind = django_filters.ChoiceFilter(label="类别", choices=PaymentKind.choices, empty_label="全部")
    elder = django_filters.NumberFilter(label="老人", field_name="elder_id")

    keyset = ("pk",)

    class Meta:
        model = Payment
        fields: list[str] = []

    def base_queryset(self, user):
        return Payment.objects.for_user(user).select_related("elder", "policy", "batch")


class ApplicationFilterSet(ScopedFilterSet):
    """Claims (补贴申请), newest first; a street sees its own people's."""

    status = django_filters.ChoiceFilter(
        label="状态", choices=ApplicationStatus.choices, empty_label="全部状态"
    )
    policy = django_filters.CharFilter(label="补贴项目", field_name="policy_code", max_length=40)

    keyset = ("-pk",)

    class Meta:
        model = BenefitApplication
        fields: list[str] = []

    def base_queryset(self, user):
        return BenefitApplication.objects.for_user(user).select_related("elder", "region")


class RecoveryFilterSet(ScopedFilterSet):
    """The recovery ledger (追回台账): open ones by default."""

    status = django_filters.ChoiceFilter(label="状态", choices=RecoveryStatus.choices, empty_label="全部状态")

    keyset = ("-pk",)
    defaults = {"status": RecoveryStatus.OPEN}

    class Meta:
        model = Recovery
        fields: list[str] = []

    def base_queryset(self, user):
        return Recovery.objects.for_user(user).select_related("elder")
