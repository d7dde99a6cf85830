"""HTML input of the device pages and the SLA targets; the rules are in the services. The serial and key
checks are the API schema's own (``device_schemas``), so a form and a JSON body are refused alike."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from yanglao.alarms import device_schemas
from yanglao.alarms.choices import DeviceKind

DATE = forms.DateInput(attrs={"type": "date"})


def _checked(clean, value):
    try:
        return clean(value)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None


class _DetailsForm(forms.Form):
    model_name = forms.CharField(label="型号", max_length=60, required=False)
    firmware = forms.CharField(label="固件版本", max_length=40, required=False)
    heartbeat_seconds = forms.IntegerField(
        label="心跳间隔（秒）",
        min_value=device_schemas.HEARTBEAT_MIN,
        max_value=device_schemas.HEARTBEAT_MAX,
        initial=300,
        help_text="设备每隔多少秒报告一次在线；系统默认值 300 秒，按设备说明书填写",
    )
    installed_on = forms.DateField(label="安装日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def clean_installed_on(self):
        value = self.cleaned_data.get("installed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("安装日期不能晚于今天")
        return value


class _KeyMixin(forms.Form):
    key = forms.CharField(
        label="厂商设备密钥",
        required=False,
        max_length=128,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="设备出厂已写入密钥时填写；留空则由系统生成，生成的密钥只显示一次",
    )

    def clean_key(self):
        return _checked(device_schemas.key_clean, self.cleaned_data.get("key"))


class DeviceRegisterForm(_KeyMixin, _DetailsForm):
    id_number = forms.CharField(
        label="老人公民身份号码",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="从老人页面进入时无需填写",
    )
    kind = forms.ChoiceField(label="设备类型", choices=DeviceKind.choices)
    serial = forms.CharField(label="设备编号", max_length=40, help_text=device_schemas.SERIAL_MESSAGE)
    provider = forms.TypedChoiceField(label="运维机构", required=False, coerce=int, empty_value=None)

    field_order = ["id_number", "kind", "serial", "key", "model_name", "firmware", "heartbeat_seconds"]

    def __init__(self, *args, providers=(), person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["provider"].choices = [("", "无（由民政部门维护）"), *((o.pk, o.name) for o in providers)]
        if person is not None:
            del self.fields["id_number"]

    def clean_serial(self):
        return _checked(device_schemas.serial_clean, self.cleaned_data.get("serial"))

    def clean(self):
        data = super().clean()
        if self.person is None and "id_number" in self.fields and not data.get("id_number"):
            self.add_error("id_number", "请填写老人的公民身份号码")
        return data


class DeviceEditForm(_DetailsForm):
    provider = forms.TypedChoiceField(label="运维机构", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "无（由民政部门维护）"), *((o.pk, o.name) for o in providers)]


class DeviceReplaceForm(_KeyMixin, _DetailsForm):
    serial = forms.CharField(label="新设备编号", max_length=40, help_text=device_schemas.SERIAL_MESSAGE)
    kind = forms.ChoiceField(
        label="新设备类型", choices=[("", "与原设备相同"), *DeviceKind.choices], required=False
    )

    field_order = ["serial", "kind", "key", "model_name", "firmware", "heartbeat_seconds"]

    def clean_serial(self):
        return _checked(device_schemas.serial_clean, self.cleaned_data.get("serial"))


class DeviceNoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=280, required=False)


class DeviceLostForm(forms.Form):
    note = forms.CharField(label="挂失说明", max_length=280, help_text="例如：老人外出时遗失手环")


class DeviceKeyForm(_KeyMixin):
    pass


class SlaTargetForm(forms.Form):
    within_60 = forms.DecimalField(
        label="60 秒内接警率目标（%）", min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )
    within_180 = forms.DecimalField(
        label="180 秒内接警率目标（%）", min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )
    strict_60 = forms.DecimalField(
        label="60 秒内接警率高标准（%）", min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )
