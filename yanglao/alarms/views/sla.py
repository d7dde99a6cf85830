"""The SLA report pages (接警服务水平): the report with every figure's count and a link to the alarms it
counts, the drill-down list, the .xlsx export and a region's own targets. Thin: the selector computes."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yanglao.alarms.device_forms import SlaTargetForm
from yanglao.alarms.selectors import calls as call_selectors
from yanglao.alarms.selectors import sla as selectors
from yanglao.alarms.services import sla as services
from yanglao.alarms.sla_filters import ANSWERS
from yanglao.core import lists, pages
from yanglao.core import selectors as core_selectors


def _streets(request: HttpRequest) -> list:
    return [r for r in core_selectors.regions_for_choice(user=request.user) if r.level == "township"]


@login_required
@permission_required("alarms.view_alarm_sla", raise_exception=True)
def sla_report(request: HttpRequest) -> HttpResponse:
    figures = selectors.sla_figures(user=request.user, params=request.GET)
    form = selectors.sla_filterset(user=request.user, params=request.GET).form
    return render(
        request,
        "alarms/sla.html",
        {
            "figures": figures,
            "report": figures.report,
            "form": form,
            "streets": _streets(request),
            "can_export": request.user.has_perm("alarms.export_alarm_sla"),
            "can_edit_targets": selectors.may_edit_targets(
                user=request.user, region_code=figures.region_code
            ),
            "alarm_list": reverse("alarms:sla_alarms"),
        },
    )


@login_required
@permission_required("alarms.export_alarm_sla", raise_exception=True)
def sla_export(request: HttpRequest) -> HttpResponse:
    figures = selectors.sla_figures(user=request.user, params=request.GET)
    handle = tempfile.TemporaryFile()
    services.sla_export_write(actor=request.user, figures=figures, handle=handle)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"alarm-sla-{stamp}.xlsx")


@login_required
@permission_required("alarms.view_alarm_sla", raise_exception=True)
def sla_alarms(request: HttpRequest) -> HttpResponse:
    """The alarms one figure of the report counts (its period, scope, street and the figure's condition)."""
    fs = selectors.sla_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "alarms/sla_alarms.html", "alarms/_sla_alarm_rows.html")
    context = lists.page_context(request, fs)
    context["rows"] = [
        (row, call_selectors.alarm_url(row.alarm.pk))
        for row in selectors.sla_alarm_rows(context["page"].rows)
    ]
    start, end = fs.period()
    return render(
        request,
        template,
        {
            **context,
            "start": start,
            "end": end,
            "answers": ANSWERS,
            "streets": _streets(request),
            "operators": call_selectors.operators_for_choice(user=request.user),
            "report_query": lists.query_without(request.GET, "after", "hour", "operator", "answer"),
        },
    )


@login_required
@permission_required("alarms.change_slatarget", raise_exception=True)
def sla_targets(request: HttpRequest) -> HttpResponse:
    """A region's own targets (the report's region: the street asked for, else the user's own)."""
    region = selectors.report_region(user=request.user, street=request.GET.get("street", ""))
    if not region:
        raise Http404
    current = selectors.sla_targets(region_code=region)
    initial = {t.key: t.percent for t in current.targets}
    return pages.form_page(
        request,
        SlaTargetForm(request.POST or None, initial=initial),
        template="alarms/sla_targets.html",
        context={"current": current, "region": core_selectors.region_get(user=request.user, code=region)},
        save=lambda d: services.sla_target_set(actor=request.user, region_code=region, **d),
        success_url=lambda saved: reverse("alarms:sla_report"),
        message="已保存接警服务水平目标",
    )
