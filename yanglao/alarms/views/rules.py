"""Alarm rules' pages (报警规则): the rules in force for a region with where each comes from (this region's,
a region above, or the shipped 系统默认值), a district's own rule edit, and one person's own rules (her
thresholds, a silence period, the geofence switched on). Thin: selectors read, services write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.alarms import rules as rule_values
from yanglao.alarms.selectors import ingest as selectors
from yanglao.alarms.services import rules as rule_services
from yanglao.core import pages
from yanglao.core import selectors as core_selectors


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class RuleForm(forms.Form):
    """One kind's values; labels carry the kind's unit, ranges come from ``rules.SPECS``."""

    threshold = forms.FloatField(label="阈值", required=False)
    duration_minutes = forms.IntegerField(label="持续时间（分钟）", required=False, min_value=0)
    active_from = forms.TimeField(label="生效时段起", required=False, widget=TimeInput(format="%H:%M"))
    active_to = forms.TimeField(label="生效时段止", required=False, widget=TimeInput(format="%H:%M"))
    silence_until = forms.DateTimeField(label="静默至（此前不报警）", required=False, widget=DateTimeInput())
    enabled = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, spec: rule_values.Spec, person: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if spec.needs_threshold:
            field = self.fields["threshold"]
            field.label = f"阈值（{spec.unit}）" if spec.unit else "阈值"
            field.required = True
            field.min_value, field.max_value = spec.lo, spec.hi
            field.widget.attrs.update({"min": spec.lo, "max": spec.hi, "step": "any"})
        else:
            del self.fields["threshold"]
        if spec.duration_hi:
            field = self.fields["duration_minutes"]
            field.min_value, field.max_value = spec.duration_lo // 60, spec.duration_hi // 60
            field.required = True
        else:
            del self.fields["duration_minutes"]
        if not person:
            del self.fields["silence_until"]

    def clean_threshold(self):
        value = self.cleaned_data.get("threshold")
        field = self.fields["threshold"]
        if value is not None and not field.min_value <= value <= field.max_value:
            raise forms.ValidationError(f"应在 {field.min_value:g} 到 {field.max_value:g} 之间")
        return value

    def clean_duration_minutes(self):
        value = self.cleaned_data.get("duration_minutes")
        field = self.fields["duration_minutes"]
        if value is not None and not field.min_value <= value <= field.max_value:
            raise forms.ValidationError(f"应在 {field.min_value} 到 {field.max_value} 分钟之间")
        return value

    def values(self, data: dict) -> dict:
        out = {
            k: data[k]
            for k in ("threshold", "active_from", "active_to", "silence_until", "enabled")
            if k in data
        }
        if "duration_minutes" in data:
            out["duration_seconds"] = (data["duration_minutes"] or 0) * 60
        return out


def _initial(row: selectors.RuleRow) -> dict:
    rule = row.rule
    return {
        "threshold": rule.threshold,
        "duration_minutes": rule.duration_seconds // 60,
        "active_from": rule.active_from,
        "active_to": rule.active_to,
        "silence_until": (
            timezone.localtime(rule.silence_until).strftime("%Y-%m-%dT%H:%M") if rule.silence_until else None
        ),
        "enabled": rule.enabled,
    }


def _region(request: HttpRequest) -> tuple[list, str]:
    """The regions the user may choose and the one asked about (their own first region by default)."""
    regions = core_selectors.regions_for_choice(user=request.user)
    asked = request.GET.get("region", "")
    if asked:
        return regions, asked
    own = [r.code for r in request.user.regions.all()] if not request.user.is_superuser else []
    return regions, own[0] if own else (regions[0].code if regions else "")


@login_required
@permission_required("alarms.view_alarmrule", raise_exception=True)
def rule_list(request: HttpRequest) -> HttpResponse:
    regions, code = _region(request)
    return render(
        request,
        "alarms/rules.html",
        {
            "regions": regions,
            "region": code,
            "rows": selectors.rules_for_region(user=request.user, region_code=code),
            "can_change": request.user.has_perm("alarms.change_alarmrule"),
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("alarms.change_alarmrule", raise_exception=True)
def rule_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """A region's own rule of one kind; the form starts from the rule in force there."""
    _regions, code = _region(request)
    row = selectors.rule_kind_row(user=request.user, kind=kind, region_code=code)
    form = RuleForm(request.POST or None, spec=row.spec, person=False, initial=_initial(row))
    return pages.form_page(
        request,
        form,
        template="alarms/rule_form.html",
        context={"row": row, "region": code, "elder": None},
        save=lambda data: rule_services.rule_set(
            actor=request.user, kind=kind, region_code=code, **form.values(data)
        ),
        success_url=lambda rule: reverse("alarms:rules") + f"?region={code}",
        message=f"已保存本区划的“{row.label}”规则",
    )


@login_required
@permission_required("alarms.change_alarmrule", raise_exception=True)
@require_POST
def rule_reset(request: HttpRequest, kind: str) -> HttpResponse:
    _regions, code = _region(request)
    row = selectors.rule_kind_row(user=request.user, kind=kind, region_code=code)
    if rule_services.rule_reset(actor=request.user, kind=kind, region_code=code):
        messages.success(request, f"“{row.label}”已恢复沿用上级区划或系统默认规则")
    return redirect(reverse("alarms:rules") + f"?region={code}")


@login_required
@permission_required("alarms.view_alarmrule", raise_exception=True)
def person_rules(request: HttpRequest, pk: int) -> HttpResponse:
    elder, rows = selectors.rules_for_person(user=request.user, elder_id=pk)
    return render(
        request,
        "alarms/person_rules.html",
        {
            "elder": elder,
            "rows": rows,
            "can_change": request.user.has_perm("alarms.change_alarmrule"),
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("alarms.change_alarmrule", raise_exception=True)
def person_rule_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One person's own rule of one kind (her thresholds, a silence period, the geofence on or off)."""
    elder, rows = selectors.rules_for_person(user=request.user, elder_id=pk)
    row = next((r for r in rows if r.kind == kind), None)
    if row is None:
        raise Http404
    form = RuleForm(request.POST or None, spec=row.spec, person=True, initial=_initial(row))
    return pages.form_page(
        request,
        form,
        template="alarms/rule_form.html",
        context={"row": row, "region": elder.region_id, "elder": elder},
        save=lambda data: rule_services.rule_set(
            actor=request.user, kind=kind, elder_id=pk, **form.values(data)
        ),
        success_url=lambda rule: reverse("alarms:person_rules", args=[pk]),
        message=f"已保存{elder.name}本人的“{row.label}”规则",
    )


@login_required
@permission_required("alarms.change_alarmrule", raise_exception=True)
@require_POST
def person_rule_reset(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    elder, rows = selectors.rules_for_person(user=request.user, elder_id=pk)
    if kind not in {r.kind for r in rows}:
        raise Http404
    if rule_services.rule_reset(actor=request.user, kind=kind, elder_id=pk):
        messages.success(request, "已恢复沿用所在区划的规则")
    return redirect("alarms:person_rules", pk=elder.pk)
