"""The LTC claims list's filter definition (core.lists): page, API and export read the same one."""

from __future__ import annotations

import django_filters

from yanglao.core.lists import ScopedFilterSet
from yanglao.ltc.choices import CareSetting, LtcStatus
from yanglao.ltc.models import LtcApplication


class LtcApplicationFilterSet(ScopedFilterSet):
    """Claims (长护险申请), newest first; a street sees its own people's, a family its own person's."""

    status = django_filters.ChoiceFilter(label="状态", choices=LtcStatus.choices, empty_label="全部状态")
    setting = django_filters.ChoiceFilter(
        label="照护方式", choices=CareSetting.choices, empty_label="全部照护方式"
    )
    level = django_filters.NumberFilter(label="照护等级", field_name="care_level")

    keyset = ("-pk",)

    class Meta:
        model = LtcApplication
        fields: list[str] = []

    def base_queryset(self, user):
        return LtcApplication.objects.for_user(user).select_related("elder", "region")
