"""HTML input parsing for assessment pages; rules live in services and the scoring engine."""

from __future__ import annotations

import json

from django import forms

from yanglao.assessment import errors, instruments, services
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


def _score(raw: str) -> int | str:
    try:
        return int(raw)
    except ValueError:
        return raw  # the engine names the item and refuses it


def _diagnoses(raw: str) -> list[str]:
    return [c.strip().upper() for c in raw.replace("，", ",").split(",") if c.strip()]


def _count(raw: str) -> int:
    try:
        return max(0, int(raw or 0))
    except ValueError:
        return 0


def parse_answers(post, instrument: dict) -> tuple[dict, dict]:
    """Answers and the C.4/A.2 context from the on-site form's POST."""
    answers = {}
    for dim in instrument["dimensions"]:
        for item in dim["items"]:
            raw = post.get(item["code"], "")
            if raw != "":
                answers[item["code"]] = _score(raw)
    context = {
        "coma": post.get("coma") == "on",
        "diagnoses": _diagnoses(post.get("diagnoses", "")),
        "risk_events": {k: _count(post.get(f"risk_{k}", "")) for k in services.RISK_EVENTS},
    }
    return answers, context


BAD_CHANGES = "上传的作答格式有误，请刷新页面后重试"


def parse_changes(body: bytes, instrument: dict) -> list[services.AnswerChange]:
    """The changes queued on an assessor's device, as JSON: ``{"changes": [{"name", "value", "at", "id"}]}``
    with the form's raw values ("" clears an item). Anything else is refused with a Chinese message."""
    items = {i["code"] for d in instrument["dimensions"] for i in d["items"]}
    risks = {f"risk_{k}" for k in services.RISK_EVENTS}
    try:
        raw = json.loads(body or b"null")
        changes = raw["changes"]
        if not isinstance(changes, list) or len(changes) > 500:
            raise TypeError
        parsed = []
        for c in changes:
            name, value, at, change_id = c["name"], c["value"], c["at"], c["id"]
            if not (
                isinstance(name, str)
                and isinstance(value, str)
                and isinstance(at, int)
                and not isinstance(at, bool)
                and isinstance(change_id, str)
                and 0 < len(change_id) <= 64
            ):
                raise TypeError
            if name in items:
                typed = _score(value) if value != "" else None
            elif name == "coma":
                typed = value == "on"
            elif name == "diagnoses":
                typed = _diagnoses(value)
            elif name in risks:
                typed = _count(value)
            else:
                raise errors.InvalidAnswers(
                    [{"item": name, "zh": f"未知的评估项“{name[:20]}”", "en": "unknown"}]
                )
            parsed.append(services.AnswerChange(name=name, value=typed, at=at, change_id=change_id))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise errors.InvalidAnswers(
            [{"item": "changes", "zh": BAD_CHANGES, "en": "malformed changes"}]
        ) from None
    return parsed
