"""Console pages: the live queue (报警处置台), the caller's screen with its action forms, the alarm list and
its export. Thin: the selectors read, the services write, every POST goes through ``core.pages.form_page``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.alarms import exports, forms
from yanglao.alarms.selectors import console as selectors
from yanglao.alarms.services import console as services
from yanglao.core import events, lists, pages
from yanglao.core import selectors as core_selectors
from yanglao.core.choices import RegionLevel
from yanglao.people import selectors as people_selectors

# ---------------------------------------------------------------- the console


def _console_context(request: HttpRequest) -> dict:
    events_after = events.latest_id()  # before the reads: nothing raised in between is missed
    return {
        "c": selectors.console(user=request.user),
        "events_after": events_after,
        "supervisor": services.supervises(request.user),
        "escalate_seconds": services.escalate_seconds(),
    }


@login_required
@permission_required("alarms.handle_alarm", raise_exception=True)
def console(request: HttpRequest) -> HttpResponse:
    """报警处置台: open alarms by severity and age, live; the htmx refresh after an event gets the queue only."""
    template = lists.fragment(request, "alarms/console.html", "alarms/_console_live.html")
    return render(request, template, _console_context(request))


@login_required
@permission_required("alarms.handle_alarm", raise_exception=True)
@require_POST
def console_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """接警 from the queue: to the caller's screen, or the queue again with the refusal (422)."""
    selectors.alarm_get(user=request.user, alarm_id=pk)  # another street's alarm: 404 before anything else
    return pages.form_page(
        request,
        forms.ClaimForm(request.POST),
        template="alarms/console.html",
        context=lambda: _console_context(request),
        save=lambda data: services.alarm_claim(actor=request.user, alarm_id=pk),
        success_url=lambda alarm: reverse("alarms:alarm_detail", args=[alarm.pk]),
        message=lambda alarm: f"已接警：{alarm.get_kind_display()}（报警编号 {alarm.pk}）",
    )


# ---------------------------------------------------------------- the caller's screen


def _forms(request: HttpRequest, file: selectors.AlarmFile) -> dict[str, Any]:
    """Blank action forms for what this user may do now (a refused post replaces its own)."""
    shown: dict[str, Any] = {"close_form": forms.CloseForm()} if "close" in file.actions else {}
    if not file.can_step:
        return shown
    offerings = selectors.alarm_offerings(user=request.user, alarm=file.alarm)
    return {
        **shown,
        "call_person_form": forms.CallPersonForm(),
        "call_contact_form": forms.CallContactForm(contacts=file.contacts),
        "dispatch_community_form": forms.DispatchCommunityForm(),
        "dispatch_provider_form": forms.DispatchProviderForm(
            offerings=offerings, initial={"client_key": uuid.uuid4().hex}
        ),
        "emergency_form": forms.EmergencyCallForm(),
        "note_form": forms.NoteForm(),
        "has_offerings": bool(offerings),
    }


def _detail_context(request: HttpRequest, pk: int) -> dict:
    events_after = events.latest_id()
    file = selectors.alarm_file(user=request.user, alarm_id=pk)
    elder = file.alarm.elder
    return {
        "f": file,
        "alarm": file.alarm,
        "elder": elder,
        "age": people_selectors.elder_age(elder),
        "shown": services.alarm_screen_reveal(actor=request.user, alarm=file.alarm),
        "can_reveal": people_selectors.may_reveal(request.user),
        "tile_url": settings.MAP_TILE_URL,
        "events_after": events_after,
        "street": next(
            (r for r in core_selectors.region_ancestors(elder.region) if r.level == RegionLevel.TOWNSHIP),
            None,
        ),
        **_forms(request, file),
    }


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The caller's screen (报警详情): who, where, health, contacts, device, history, timeline, actions."""
    return render(request, "alarms/alarm_detail.html", _detail_context(request, pk))


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def alarm_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The state and timeline of one alarm, refreshed when any console acts on it (no audit: no health data)."""
    file = selectors.alarm_live(user=request.user, alarm_id=pk)
    return render(
        request,
        "alarms/_alarm_live.html",
        {"f": file, "alarm": file.alarm, "events_after": events.latest_id()},
    )


Write = Callable[[Any, int, dict], Any]
STEPS: dict[str, tuple[type, str, Write, str]] = {  # action → (form, form name, write, message)
    "claim": (
        forms.ClaimForm,
        "claim_form",
        lambda actor, pk, d: services.alarm_claim(actor=actor, alarm_id=pk),
        "已接警",
    ),
    "take_over": (
        forms.ClaimForm,
        "claim_form",
        lambda actor, pk, d: services.alarm_take_over(actor=actor, alarm_id=pk),
        "已督办接管",
    ),
    "call_person": (
        forms.CallPersonForm,
        "call_person_form",
        lambda actor, pk, d: services.alarm_call_person(actor=actor, alarm_id=pk, **d),
        "已记录呼叫老人",
    ),
    "call_contact": (
        forms.CallContactForm,
        "call_contact_form",
        lambda actor, pk, d: services.alarm_call_contact(actor=actor, alarm_id=pk, **d),
        "已记录呼叫紧急联系人",
    ),
    "dispatch_community": (
        forms.DispatchCommunityForm,
        "dispatch_community_form",
        lambda actor, pk, d: services.alarm_dispatch_community(actor=actor, alarm_id=pk, **d),
        "已派社区工作人员上门",
    ),
    "dispatch_provider": (
        forms.DispatchProviderForm,
        "dispatch_provider_form",
        lambda actor, pk, d: services.alarm_dispatch_provider(
            actor=actor, alarm_id=pk, offering_id=d["offering"], note=d["note"], client_key=d["client_key"]
        ),
        "已派服务机构上门（已生成服务工单）",
    ),
    "emergency": (
        forms.EmergencyCallForm,
        "emergency_form",
        lambda actor, pk, d: services.alarm_emergency_call(actor=actor, alarm_id=pk, **d),
        "已记录拨打急救/报警电话",
    ),
    "note": (
        forms.NoteForm,
        "note_form",
        lambda actor, pk, d: services.alarm_note_add(actor=actor, alarm_id=pk, **d),
        "已添加备注",
    ),
    "close": (
        forms.CloseForm,
        "close_form",
        lambda actor, pk, d: services.alarm_close(actor=actor, alarm_id=pk, **d),
        "已结案",
    ),
}


def _bound_form(request: HttpRequest, form_class: type, pk: int):
    """The posted form, with the choices it needs (the contacts, the offerings serving the home)."""
    if form_class is forms.CallContactForm:
        file = selectors.alarm_live(user=request.user, alarm_id=pk)
        return form_class(request.POST, contacts=file.contacts)
    if form_class is forms.DispatchProviderForm:
        alarm = selectors.alarm_get(user=request.user, alarm_id=pk)
        return form_class(request.POST, offerings=selectors.alarm_offerings(user=request.user, alarm=alarm))
    return form_class(request.POST)


@login_required
@permission_required("alarms.handle_alarm", raise_exception=True)
@require_POST
def alarm_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step posted from the caller's screen; a refusal shows the screen again with the form's errors."""
    if action not in STEPS:
        raise Http404
    form_class, form_name, write, message = STEPS[action]
    selectors.alarm_get(user=request.user, alarm_id=pk)  # out of scope: 404 before anything else
    return pages.form_page(
        request,
        _bound_form(request, form_class, pk),
        template="alarms/alarm_detail.html",
        context=lambda: _detail_context(request, pk),
        form_name=form_name,
        save=lambda data: write(request.user, pk, data),
        success_url=lambda saved: reverse("alarms:alarm_detail", args=[pk]),
        message=message,
    )


@login_required
@permission_required("alarms.handle_alarm", raise_exception=True)
@require_POST
def alarm_phones(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's and the contacts' phones in clear (htmx), audited, for the operator handling the alarm."""
    phones = services.alarm_phones_reveal(actor=request.user, alarm_id=pk)
    return render(request, "alarms/_alarm_phones.html", {"phones": phones})


# ---------------------------------------------------------------- the list


def _streets(request: HttpRequest) -> list:
    return [
        r for r in core_selectors.regions_for_choice(user=request.user) if r.level == RegionLevel.TOWNSHIP
    ]


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def alarm_list(request: HttpRequest) -> HttpResponse:
    """报警记录: every alarm in scope, newest first, with the filters the API and the export share."""
    fs = selectors.alarm_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "alarms/alarm_list.html", "alarms/_alarm_rows.html")
    return render(request, template, {**lists.page_context(request, fs), "streets": _streets(request)})


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def alarm_export(request: HttpRequest) -> HttpResponse:
    return exports.ALARMS.respond(request)
