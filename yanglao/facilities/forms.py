"""HTML input parsing for the facility pages; rules are in services."""

from __future__ import annotations

from django import forms

from yanglao.facilities import geo
from yanglao.facilities.choices import BedType, DischargeReason, FacilityKind, OperatingModel

DATUMS = [
    (geo.WGS84, "WGS-84（GPS、天地图）"),
    ("gcj02", "GCJ-02（高德、腾讯地图）"),
    ("bd09", "BD-09（百度地图）"),
]


class FacilityForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=FacilityKind.choices)
    operator_id = forms.TypedChoiceField(label="运营机构", coerce=int)
    operating_model = forms.ChoiceField(label="运营方式", choices=OperatingModel.choices)
    region_code = forms.ChoiceField(label="所在区划")
    address = forms.CharField(label="地址", max_length=300, required=False)
    lng = forms.FloatField(label="经度")
    lat = forms.FloatField(label="纬度")
    coordinate_system = forms.ChoiceField(label="坐标系", choices=DATUMS, initial=geo.WGS84)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    floor_area = forms.DecimalField(
        label="建筑面积（平方米）", required=False, decimal_places=1, max_digits=10
    )
    opening_hours = forms.CharField(label="开放时间", max_length=100, required=False)
    services = forms.CharField(label="服务项目（用顿号或逗号分隔）", max_length=500, required=False)
    meal_capacity = forms.IntegerField(label="每餐供餐能力（人）", required=False)
    star_level = forms.TypedChoiceField(
        label="星级",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, f"{n} 星") for n in range(1, 6)]],
    )
    licence_no = forms.CharField(label="许可或备案号", max_length=60, required=False)
    licence_expiry = forms.DateField(
        label="许可或备案有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    open_to_community = forms.BooleanField(label="向社区开放", required=False)
    oxygen_supply = forms.BooleanField(label="供氧（高海拔地区）", required=False)
    is_public = forms.BooleanField(label="在公众养老地图上显示", required=False, initial=True)

    def __init__(self, *args, regions=(), operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, r.name) for r in regions]
        self.fields["operator_id"].choices = [(o.pk, o.name) for o in operators]

    def clean_services(self) -> list[str]:
        text = self.cleaned_data.get("services") or ""
        for sep in "，,；;":
            text = text.replace(sep, "、")
        return [s.strip() for s in text.split("、") if s.strip()]


class BedForm(forms.Form):
    building = forms.CharField(label="楼栋", required=False, max_length=40)
    room = forms.CharField(label="房间", required=False, max_length=40)
    number = forms.CharField(label="床号", max_length=20, error_messages={"required": "请填写床号"})
    bed_type = forms.ChoiceField(label="床位类型", choices=BedType.choices, initial=BedType.ORDINARY)


class AdmitForm(forms.Form):
    """Admission at the register: by ID number (the service finds the person and never names them)."""

    id_number = forms.CharField(
        label="公民身份号码", max_length=18, error_messages={"required": "请填写公民身份号码"}
    )
    date = forms.DateField(
        label="入住日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "入住日期格式应为 年-月-日"},
    )


class DischargeForm(forms.Form):
    """Ending a stay asks why (issue 9, 5.9); the service holds the rules (a note for 其他, the dates)."""

    reason = forms.ChoiceField(
        label="离开原因",
        choices=[("", "请选择"), *DischargeReason.choices],
        error_messages={"required": "请选择离开原因", "invalid_choice": "请选择离开原因"},
    )
    note = forms.CharField(label="说明（原因为“其他”时必填）", max_length=200, required=False)
    date = forms.DateField(
        label="离开日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写离开日期", "invalid": "离开日期格式应为 年-月-日"},
    )
