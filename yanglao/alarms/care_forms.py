"""HTML input of the care-call and visit-task pages; the rules are in services/care.py."""

from __future__ import annotations

from django import forms

from yanglao.alarms.choices import CallResult, CareGroup
from yanglao.alarms.services.care import MAX_INTERVAL_DAYS


class CareOutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label="呼叫结果",
        choices=CallResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择呼叫结果", "invalid_choice": "请选择呼叫结果"},
    )
    note = forms.CharField(
        label="关怀记录",
        max_length=500,
        required=False,
        error_messages={"max_length": "关怀记录最多 500 字"},
    )


class VisitCloseForm(forms.Form):
    result = forms.CharField(
        label="上门情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写上门情况", "max_length": "上门情况最多 500 字"},
    )


class CarePlanForm(forms.Form):
    group = forms.ChoiceField(label="关怀对象", choices=CareGroup.choices, widget=forms.HiddenInput)
    interval_days = forms.IntegerField(
        label="间隔（天）",
        min_value=1,
        max_value=MAX_INTERVAL_DAYS,
        error_messages={
            "required": "请填写间隔天数",
            "invalid": "间隔应为整数天",
            "min_value": f"间隔应在 1 到 {MAX_INTERVAL_DAYS} 天之间",
            "max_value": f"间隔应在 1 到 {MAX_INTERVAL_DAYS} 天之间",
        },
    )
    active = forms.BooleanField(label="启用", required=False)
