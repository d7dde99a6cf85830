"""HTML input parsing for core's pages; rules are in services."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation

from yanglao.core import audit
from yanglao.core.choices import OrganisationKind, Ownership


class OrganisationForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=OrganisationKind.choices)
    ownership = forms.ChoiceField(label="性质", choices=Ownership.choices)
    region_code = forms.ChoiceField(label="所在区划")
    address = forms.CharField(label="地址", max_length=300, required=False)
    lat = forms.FloatField(label="纬度", required=False)
    lng = forms.FloatField(label="经度", required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40, required=False)
    licence_no = forms.CharField(label="许可证或备案号", max_length=60, required=False)
    licence_expiry = forms.DateField(
        label="许可或备案有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [
            (
                r.code,
                ("　" * max(0, ["province", "city", "county", "township", "village"].index(r.level) - 2))
                + r.name,
            )
            for r in regions
        ]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(
        label="动作", required=False, choices=[("", "全部动作"), *audit.ACTION_CHOICES]
    )
    person = forms.CharField(label="老人", required=False, max_length=40)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="对象", required=False, max_length=100)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=60)
    days = forms.TypedChoiceField(
        label="有效期",
        coerce=int,
        choices=[(30, "30 天"), (90, "90 天"), (365, "一年"), (0, "长期")],
        initial=90,
    )


def domain_errors_to_form(form: forms.Form, exc) -> None:
    """Put a DomainError's messages on the form: on the named fields it has, the rest above the form. The
    error's sentence goes above the form too when its fields carry only short marks ("不可派"), so the user
    reads why, not just where."""
    fields = exc.fields or {}
    if exc.message and exc.message not in fields.values():
        form.add_error(None, exc.message)
    for name, message in fields.items():
        form.add_error(name if name in form.fields else None, message)


IMPORT_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")


class ImportUploadForm(forms.Form):
    """One upload for any importer: the file (type and size checked here) and whether only to check it."""

    file = forms.FileField(
        label="文件（.xlsx 或 .csv）",
        allow_empty_file=True,  # the pipeline names an empty file in its own words
        error_messages={"required": "请选择要导入的文件", "invalid": "上传的文件无法读取，请重新选择"},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_SUFFIXES)}),
    )
    dry_run = forms.BooleanField(label="仅校验，不写入", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls、.ods 或 .csv 文件"
            )
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"文件超过 {limit} MB，请拆分后分批导入")
        return upload


class PasswordChangeForm(forms.Form):
    """Own password: the current one, the new one twice. The rules themselves are the service's."""

    old = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    again = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    revoke_tokens = forms.BooleanField(label="同时撤销我的全部 API 令牌", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new"].help_text = "".join(password_validation.password_validators_help_texts())

    def clean(self):
        data = super().clean()
        if data.get("new") and data.get("again") and data["new"] != data["again"]:
            self.add_error("again", "两次输入的新密码不一致")
        return data
