"""HTML input of the console part: shape only (the services judge the rest)."""

from __future__ import annotations

from django import forms

from yanglao.alarms.choices import CallResult, Outcome

RESULTS = [("", "请选择"), *CallResult.choices]


def _note(label: str = "说明", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        required=required,
        widget=forms.TextInput(attrs={"placeholder": "可选" if not required else "必填"}),
    )


class _StepForm(forms.Form):
    """The caller's screen holds several forms with the same field names: each gets its own element ids
    (``<prefix>_note``) and the theme's input classes."""

    id_prefix = "step"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)


class ClaimForm(forms.Form):
    """接警 / 督办接管: the button is the whole input."""


class CallPersonForm(_StepForm):
    id_prefix = "person"

    result = forms.ChoiceField(label="呼叫结果", choices=RESULTS)
    note = _note()


class CallContactForm(_StepForm):
    id_prefix = "contact"
    position = forms.TypedChoiceField(label="紧急联系人", coerce=int, choices=())
    result = forms.ChoiceField(label="呼叫结果", choices=RESULTS)
    note = _note()

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [
            (
                c.position,
                f"{c.position}. {c.name}（{c.relation or '联系人'}）{'，持钥匙' if c.has_key else ''}",
            )
            for c in contacts
        ]


class DispatchCommunityForm(_StepForm):
    id_prefix = "community"
    note = _note("交代事项")


class DispatchProviderForm(_StepForm):
    id_prefix = "provider"
    offering = forms.TypedChoiceField(label="服务机构与项目", coerce=int, choices=())
    note = _note("交代事项")
    client_key = forms.CharField(max_length=64, min_length=8, widget=forms.HiddenInput)

    def __init__(self, *args, offerings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].choices = [
            ("", "请选择"),
            *((o.pk, f"{o.provider.name}：{o.item.name}（{o.price} 元）") for o in offerings),
        ]


class EmergencyCallForm(_StepForm):
    id_prefix = "emergency"
    service = forms.ChoiceField(
        label="拨打", choices=[("120", "120 急救"), ("110", "110 报警"), ("119", "119 消防")]
    )
    note = _note()


class NoteForm(_StepForm):
    id_prefix = "note"
    note = _note("备注", required=True)


class CloseForm(_StepForm):
    id_prefix = "close"
    outcome = forms.ChoiceField(label="处置结果", choices=[("", "请选择"), *Outcome.choices])
    note = _note("结案说明")
