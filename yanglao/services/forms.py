from django import forms

from yanglao.services.choices import BreachAction, ExceptionDecision
from yanglao.services.services import LIMITS


def _number(label: str, name: str) -> forms.IntegerField:
    lo, hi = LIMITS[name]
    return forms.IntegerField(label=label, min_value=lo, max_value=hi)


class CheckInRuleForm(forms.Form):
    max_distance_in_m = _number("签到最大距离（米）", "max_distance_in_m")
    max_distance_out_m = _number("签退最大距离（米）", "max_distance_out_m")
    late_start_minutes = _number("允许迟到（分钟）", "late_start_minutes")
    early_leave_minutes = _number("允许早退（分钟）", "early_leave_minutes")
    min_service_minutes = _number("最短服务时长（分钟）", "min_service_minutes")
    photos_required = _number("须上传照片（张）", "photos_required")
    on_distance = forms.ChoiceField(label="位置超距时", choices=BreachAction.choices)
    on_late = forms.ChoiceField(label="迟到时", choices=BreachAction.choices)
    on_early = forms.ChoiceField(label="早退时", choices=BreachAction.choices)
    on_short = forms.ChoiceField(label="时长不足时", choices=BreachAction.choices)


class SettlementPrepareForm(forms.Form):
    month = forms.CharField(label="结算月份", max_length=7, help_text="例如 2026-03")


class ExceptionDecisionForm(forms.Form):
    exception = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[(v, label) for v, label in ExceptionDecision.choices if v != ExceptionDecision.PENDING],
    )
    cut_yuan = forms.CharField(label="核减金额（元）", max_length=12, required=False)
    note = forms.CharField(label="处理说明", max_length=200, required=False)


class SettlementReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200)
