"""The plan target form (新增 / 修改规划目标)."""

from __future__ import annotations

from django import forms

from yanglao.core import indicators
from yanglao.dashboard.choices import Comparator


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.name}（{i.unit}）") for i in indicators.ordered()]


class TargetForm(forms.Form):
    region = forms.ChoiceField(label="区划")
    indicator = forms.ChoiceField(label="指标")
    comparator = forms.ChoiceField(label="要求", choices=Comparator.choices)
    value = forms.FloatField(label="目标值", min_value=0)
    target_year = forms.IntegerField(label="目标年份", min_value=2000, max_value=2100)
    source_document = forms.CharField(label="依据文件", max_length=200)
    note = forms.CharField(label="说明", max_length=300, required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)

    def __init__(self, *args, regions=(), revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.fields["indicator"].choices = indicator_choices()
        if revising:  # a revision keeps its region and indicator; it needs a reason
            del self.fields["region"]
            del self.fields["indicator"]
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
