from decimal import Decimal

from django import forms

from yanglao.services import quality_rules
from yanglao.services.choices import BreachAction, ExceptionDecision, Satisfaction, Skill
from yanglao.services.services import LIMITS
from yanglao.services.slots import WEEKDAYS


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


def _setting_number(label: str, name: str) -> forms.IntegerField:
    lo, hi = quality_rules.LIMITS[name]
    return forms.IntegerField(label=label, min_value=lo, max_value=hi)


class QualitySettingForm(forms.Form):
    no_show_minutes = _setting_number("未签到判定（预约开始后分钟）", "no_show_minutes")
    no_checkout_minutes = _setting_number("未签退判定（预约结束后分钟）", "no_checkout_minutes")
    low_rating_max = _setting_number("低评分（不高于几星）", "low_rating_max")
    follow_up_percent = _setting_number("回访抽样比例（%）", "follow_up_percent")
    reply_days = _setting_number("投诉答复时限（工作日）", "reply_days")
    resolve_days = _setting_number("投诉办结时限（工作日）", "resolve_days")


class AlertHandleForm(forms.Form):
    note = forms.CharField(label="处理说明", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    reached = forms.TypedChoiceField(
        label="是否接通",
        choices=[("1", "已接通"), ("0", "未接通")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label="满意度", choices=[("", "（未接通不填）"), *Satisfaction.choices], required=False
    )
    note = forms.CharField(
        label="回访记录", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label="投诉内容", max_length=500, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 500})
    )


class ComplaintReplyForm(forms.Form):
    reply = forms.CharField(label="答复内容", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintResolveForm(forms.Form):
    resolution = forms.CharField(label="办结说明", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintRateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="对办理结果的评价",
        choices=[(str(n), f"{n} 星") for n in (5, 4, 3, 2, 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


class FamilyOrderForm(forms.Form):
    """The family's order form: person, item, day and slot, quantity, and the key generated with the form."""

    elder = forms.TypedChoiceField(label="为谁预约", coerce=int)
    offering = forms.TypedChoiceField(label="服务项目", coerce=int)
    day = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-lg"})
    )
    slot = forms.CharField(label="时段", required=False)
    quantity = forms.DecimalField(
        label="数量", min_value=Decimal("0.1"), max_value=24, decimal_places=1, initial=1
    )
    client_key = forms.CharField(widget=forms.HiddenInput, min_length=8, max_length=64)

    def __init__(self, *args, people=(), offerings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elder"].choices = [(p.pk, p.name) for p in people]
        self.fields["offering"].choices = [
            (o.pk, f"{o.item.name} · {o.provider.name} · {o.price} 元/{o.item.get_unit_display()}")
            for o in offerings
        ]
        self.fields["elder"].widget.attrs["class"] = "form-select form-select-lg"
        self.fields["offering"].widget.attrs["class"] = "form-select form-select-lg"
        self.fields["quantity"].widget.attrs["class"] = "form-control form-control-lg"


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评分", coerce=int, choices=[(n, f"{n} 星") for n in range(5, 0, -1)]
    )
    comment = forms.CharField(label="评价", required=False, max_length=300)


class PlanForm(forms.Form):
    elder = forms.TypedChoiceField(label="为谁制定", coerce=int)
    offering = forms.TypedChoiceField(label="服务项目", coerce=int)
    weekdays = forms.TypedMultipleChoiceField(
        label="每周服务日", coerce=int, choices=list(WEEKDAYS.items()), widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(
        label="开始时间",
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-lg"}),
    )
    quantity = forms.DecimalField(
        label="数量", min_value=Decimal("0.1"), max_value=24, decimal_places=1, initial=1
    )

    def __init__(self, *args, people=(), offerings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elder"].choices = [(p.pk, p.name) for p in people]
        self.fields["offering"].choices = [(o.pk, f"{o.item.name} · {o.provider.name}") for o in offerings]
        self.fields["elder"].widget.attrs["class"] = "form-select form-select-lg"
        self.fields["offering"].widget.attrs["class"] = "form-select form-select-lg"
        self.fields["quantity"].widget.attrs["class"] = "form-control form-control-lg"


class OrderReasonForm(forms.Form):
    """Refusing at review or cancelling: the reason goes on the order and to the family."""

    reason = forms.CharField(label="原因", max_length=200)


class OrderDispatchForm(forms.Form):
    caregiver = forms.IntegerField(label="护理员")


class CaregiverForm(forms.Form):
    name = forms.CharField(
        label="姓名", max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    username = forms.CharField(
        label="登录账号", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    password = forms.CharField(
        label="初始密码", max_length=128, widget=forms.PasswordInput(attrs={"class": "form-control"})
    )
    skills = forms.MultipleChoiceField(
        label="资质", choices=Skill.choices, widget=forms.CheckboxSelectMultiple
    )
    lat = forms.FloatField(
        label="出发地纬度", required=False, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    lng = forms.FloatField(
        label="出发地经度", required=False, widget=forms.NumberInput(attrs={"class": "form-control"})
    )


class CaregiverUpdateForm(forms.Form):
    caregiver = forms.IntegerField()
    skills = forms.MultipleChoiceField(label="资质", choices=Skill.choices)
    active = forms.BooleanField(label="在岗", required=False)
