from django import forms

from yanglao.benefits.choices import Applicant, RecoveryStatus
from yanglao.benefits.services import DOCUMENTS


class BatchPrepareForm(forms.Form):
    month = forms.CharField(label="发放月份", max_length=7, help_text="例如 2026-11")
    region = forms.ChoiceField(label="发放区划")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]


class BatchCancelForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200)


class ApplicationForm(forms.Form):
    policy_code = forms.ChoiceField(label="申请补贴")
    applicant = forms.ChoiceField(label="申请方式", choices=Applicant.choices)
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    documents = forms.MultipleChoiceField(
        label="已核验材料",
        choices=[(d, d) for d in DOCUMENTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="申请理由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_code"].choices = [(p.code, p.name) for p in policies]


class DecisionForm(forms.Form):
    note = forms.CharField(label="意见", max_length=300, required=False)


class AccountForm(forms.Form):
    bank = forms.CharField(label="开户银行", max_length=40)
    account_number = forms.CharField(label="银行账号", max_length=40)
    holder_name = forms.CharField(label="户名", max_length=50)
    holder_relation = forms.CharField(label="与老人关系", max_length=10, initial="本人")


class AdjustmentForm(forms.Form):
    policy_code = forms.ChoiceField(label="补贴项目")
    month = forms.CharField(label="所属月份", max_length=7, help_text="例如 2026-10")
    amount = forms.CharField(label="调整金额（元）", max_length=12, help_text="补发填正数，扣减填负数")
    reason = forms.CharField(label="调整原因", max_length=300)

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_code"].choices = [(p.code, p.name) for p in policies]


class RecoverySettleForm(forms.Form):
    status = forms.ChoiceField(
        label="处理结果", choices=[(RecoveryStatus.RECOVERED, "已追回"), (RecoveryStatus.WAIVED, "核销")]
    )
    note = forms.CharField(label="处理说明", max_length=300, required=False)


class PolicyVersionForm(forms.Form):
    """A new version of a policy: what a district changes (amounts, the age, the month it starts)."""

    effective_from = forms.CharField(
        label="生效月份", max_length=7, help_text="例如 2027-01；此前月份仍按原版本"
    )
    min_age = forms.IntegerField(label="起始年龄（周岁）", min_value=0, max_value=150, required=False)
    local_hukou = forms.BooleanField(label="限本市户籍", required=False)
    exclude_institution = forms.BooleanField(label="入住养老机构的不发放", required=False)
    requires_application = forms.BooleanField(label="须本人申请", required=False)
    stacking_group = forms.CharField(
        label="不可叠加组",
        max_length=40,
        required=False,
        help_text="同组政策只发放金额最高的一项；留空为可叠加",
    )
    source = forms.CharField(label="政策依据", max_length=200, required=False)

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = list(policy.bands) if policy else []
        for i, band in enumerate(self.bands):
            self.fields[f"band_{i}"] = forms.DecimalField(
                label=f"{band['label']}（元/月）", min_value=0, max_value=100000, decimal_places=2
            )

    def bands_from(self, data: dict) -> list[dict]:
        return [{**band, "amount": str(data[f"band_{i}"])} for i, band in enumerate(self.bands)]
