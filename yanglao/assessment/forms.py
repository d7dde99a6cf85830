"""HTML input parsing for assessment pages; rules live in services and the scoring engine."""

from __future__ import annotations

from django import forms

from yanglao.assessment import instruments
from yanglao.assessment.choices import Reason


class RequestForm(forms.Form):
    instrument = forms.ChoiceField(label="评估量表")
    reason = forms.ChoiceField(label="评估原因", choices=Reason.choices)
    note = forms.CharField(label="原因说明", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(c, d["name"]) for c, d in instruments.all_instruments().items()]


class AssignForm(forms.Form):
    agency = forms.TypedChoiceField(label="评估机构", coerce=int)
    assessor_1 = forms.TypedChoiceField(label="评估员一", coerce=int)
    assessor_2 = forms.TypedChoiceField(label="评估员二", coerce=int)

    def __init__(self, *args, agencies=(), assessors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        choices = [(u.pk, f"{u}（{u.organisation}）") for u in assessors]
        self.fields["assessor_1"].choices = choices
        self.fields["assessor_2"].choices = choices


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    comment = forms.CharField(label="审核意见", required=False, max_length=500)


class DisputeForm(forms.Form):
    note = forms.CharField(label="复评理由", max_length=300)


def parse_answers(post, instrument: dict) -> tuple[dict, dict]:
    """Answers and the C.4/A.2 context from the on-site form's POST."""
    answers = {}
    for dim in instrument["dimensions"]:
        for item in dim["items"]:
            raw = post.get(item["code"], "")
            if raw != "":
                try:
                    answers[item["code"]] = int(raw)
                except ValueError:
                    answers[item["code"]] = raw  # the engine names the item and refuses it
    context = {
        "coma": post.get("coma") == "on",
        "diagnoses": [
            c.strip().upper() for c in post.get("diagnoses", "").replace("，", ",").split(",") if c.strip()
        ],
        "risk_events": {k: int(post.get(f"risk_{k}") or 0) for k in ("跌倒", "走失", "噎食", "自杀", "其他")},
    }
    return answers, context
