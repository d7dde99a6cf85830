import datetime as dt

from django import forms

from yanglao.ltc.choices import CareSetting, ExtraChoice, IssueDecision, LtcApplicant

WEEKDAY_CHOICES = [(1, "周一"), (2, "周二"), (3, "周三"), (4, "周四"), (5, "周五"), (6, "周六"), (7, "周日")]


class LtcApplicationForm(forms.Form):
    applicant = forms.ChoiceField(label="申请方式", choices=LtcApplicant.choices)
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    setting = forms.ChoiceField(label="申请照护方式", choices=CareSetting.choices)
    provider_id = forms.TypedChoiceField(
        label="代为申请的定点服务机构", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].choices = [
            ("", "（非机构代为申请）"),
            *[(p.pk, p.name) for p in providers],
        ]


class HomePlanForm(forms.Form):
    caregiver_id = forms.TypedChoiceField(label="护理员（所属定点服务机构）", coerce=int)
    weekdays = forms.TypedMultipleChoiceField(label="每周服务日", coerce=int, choices=WEEKDAY_CHOICES)
    start_time = forms.TypedChoiceField(
        label="上门时间",
        coerce=lambda v: dt.datetime.strptime(v, "%H:%M").time(),
        choices=[
            (f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}")
            for h in range(8, 18)
            for m in (0, 30)
            if (h, m) <= (17, 30)
        ],
    )
    extra_choice = forms.ChoiceField(
        label="额外待遇（照护5、6级）", choices=ExtraChoice.choices, required=False
    )

    def __init__(self, *args, caregivers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caregiver_id"].choices = [(c.pk, f"{c.name}（{c.provider.name}）") for c in caregivers]


class InstitutionPlanForm(forms.Form):
    provider_id = forms.TypedChoiceField(label="定点养老机构", coerce=int)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].choices = [(p.pk, p.name) for p in providers]


class SettlementPrepareForm(forms.Form):
    month = forms.CharField(label="结算月份", max_length=7, help_text="例如 2026-11")


class IssueDecisionForm(forms.Form):
    issue = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[(v, label) for v, label in IssueDecision.choices if v != IssueDecision.PENDING],
    )
    note = forms.CharField(label="处理说明", max_length=200, required=False)
