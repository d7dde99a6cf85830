"""Call record pages: the list (waiting, talking, abandoned, by operator) with its export, and one call's
caller screen — who is calling, the people the number belongs to with their contacts, devices and recent
alarms — with the "创建来电求助报警" button. Thin: selectors read, services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from yanglao.alarms import device_exports
from yanglao.alarms.device_filters import CALL_STATES
from yanglao.alarms.selectors import calls as selectors
from yanglao.alarms.services import calls as services
from yanglao.core import lists, pages
from yanglao.core import selectors as core_selectors


class CallAlarmForm(forms.Form):
    elder_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


@login_required
@permission_required("alarms.view_callrecord", raise_exception=True)
def call_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.call_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "alarms/call_list.html", "alarms/_call_rows.html")
    context = lists.page_context(request, fs)
    context["rows"] = selectors.call_rows(context["page"].rows)
    streets = [r for r in core_selectors.regions_for_choice(user=request.user) if r.level == "township"]
    operators = selectors.operators_for_choice(user=request.user)
    return render(
        request, template, {**context, "states": CALL_STATES, "streets": streets, "operators": operators}
    )


@login_required
@permission_required("alarms.view_callrecord", raise_exception=True)
def call_export(request: HttpRequest) -> HttpResponse:
    return device_exports.CALLS.respond(request)


def _screen_context(request: HttpRequest, pk: int) -> dict:
    call = selectors.call_get(user=request.user, call_pk=pk)
    screen = selectors.call_screen(user=request.user, call=call)
    return {
        "screen": screen,
        "call": call,
        "cards": selectors.person_cards(user=request.user, screen=screen),
        "alarm_url": selectors.alarm_url(call.alarm_id),
    }


@login_required
@permission_required("alarms.view_callrecord", raise_exception=True)
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "alarms/call_detail.html", _screen_context(request, pk))


@login_required
@permission_required("alarms.handle_alarm", raise_exception=True)
def call_alarm(request: HttpRequest, pk: int) -> HttpResponse:
    """创建来电求助报警 (POST from the pop-up or the call page): then the alarm's own page in the console."""
    return pages.form_page(
        request,
        CallAlarmForm(request.POST or None),
        template="alarms/call_detail.html",
        context=lambda: _screen_context(request, pk),
        save=lambda d: services.call_alarm_raise(actor=request.user, call_pk=pk, elder_id=d["elder_id"]),
        success_url=lambda alarm: selectors.alarm_url(alarm.pk) or reverse("alarms:call_detail", args=[pk]),
        message=lambda alarm: f"已创建来电求助报警（编号 {alarm.pk}），请在报警处置台接警处置",
    )
