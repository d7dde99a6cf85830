"""HTML input parsing for the registry's pages. Rules live in the schemas and services."""

from __future__ import annotations

from django import forms
from pydantic import ValidationError

from yanglao.core import schemas
from yanglao.people.choices import EconomicStatus, FamilyRelation, LivingArrangement
from yanglao.people.schemas import ElderIn


class ElderForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=30)
    phone = forms.CharField(label="联系电话", required=False, max_length=30)
    address = forms.CharField(label="居住地址", required=False, max_length=300)
    region_code = forms.ChoiceField(label="所属社区")
    living_arrangement = forms.ChoiceField(label="居住情况", choices=LivingArrangement.choices)
    economic_status = forms.ChoiceField(label="经济状况", choices=EconomicStatus.choices)
    contact_name = forms.CharField(label="紧急联系人", required=False, max_length=50)
    contact_relation = forms.CharField(label="关系", required=False, max_length=20)
    contact_phone = forms.CharField(label="紧急联系人电话", required=False, max_length=30)
    contact_has_key = forms.BooleanField(label="持有房门钥匙", required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]

    def clean(self):
        """Validate through ElderIn, the API's schema, so the form and the API refuse in the same words;
        the validated schema is ``cleaned_data["schema"]``."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = dict(cleaned)
        contact = {k.removeprefix("contact_"): data.pop(k) for k in list(data) if k.startswith("contact_")}
        data["contacts"] = [{**contact, "has_key": contact["has_key"]}] if contact["name"] else []
        try:
            cleaned["schema"] = ElderIn.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err.get("loc", ())]
                name = loc[0] if loc else None
                if name == "contacts":
                    name = "contact_" + (loc[2] if len(loc) > 2 else "name")
                self.add_error(name if name in self.fields else None, schemas.field_message(err))
        return cleaned


class LifeEventForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=300)


class MoveForm(LifeEventForm):
    region_code = forms.CharField(
        label="迁入社区",
        max_length=100,
        help_text="填写社区名称或 12 位区划代码；不在本辖区的社区将发起迁出转移，由接收街道确认",
    )
    address = forms.CharField(label="新居住地址", required=False, max_length=300)


_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class FamilyLinkForm(forms.Form):
    username = forms.CharField(label="家属账号", max_length=150, widget=forms.TextInput(attrs=_TEXT))
    relation = forms.ChoiceField(
        label="与老人关系", choices=FamilyRelation.choices, widget=forms.Select(attrs=_SELECT)
    )


class FamilyJoinForm(forms.Form):
    code = forms.CharField(
        label="邀请码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                **_TEXT,
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "placeholder": "例如 K7Q-4MZP",
            }
        ),
    )
    relation = forms.ChoiceField(
        label="与老人关系",
        choices=FamilyRelation.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
