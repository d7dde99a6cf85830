"""The cockpit's pages (驾驶舱): overview, one indicator with its drill-down, the wall screen, the report
(xlsx and print) and the plan targets. Thin: selectors and services do the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import audit, pages
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import NotFound
from yanglao.core.indicators import Period
from yanglao.dashboard import charts, selectors, services
from yanglao.dashboard import report as reports
from yanglao.dashboard.forms import TargetForm, WithdrawForm
from yanglao.dashboard.models import MeasureFact

VIEW = "dashboard.view_measurefact"


def _query(region, period) -> str:
    return f"?region={region.code}&period={period}"


@login_required
@permission_required(VIEW, raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.overview(
        user=request.user, region_code=request.GET.get("region"), period_text=request.GET.get("period")
    )
    return render(
        request,
        "dashboard/overview.html",
        {
            "o": data,
            "query": _query(data.region, data.period),
            "periods": _period_choices(data.period),
            "charts": charts.sparklines(data.with_targets),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def home_panel(request: HttpRequest) -> HttpResponse:
    """The home page's summary of the user's own region (nothing when they have none)."""
    try:
        data = selectors.overview(user=request.user, region_code=None, period_text=None)
    except NotFound:
        return HttpResponse("")
    return render(request, "dashboard/_home_panel.html", {"o": data})


@login_required
@permission_required(VIEW, raise_exception=True)
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    d = selectors.detail(
        user=request.user,
        region_code=request.GET.get("region"),
        period_text=request.GET.get("period"),
        code=code,
    )
    f = d.figure
    return render(
        request,
        "dashboard/indicator.html",
        {
            "d": d,
            "f": f,
            "query": _query(f.region, f.period),
            "periods": _period_choices(f.period),
            "chart": charts.indicator_chart(d),
            "map": charts.lagging_map(d),
            "tile_url": settings.MAP_TILE_URL,
            "other_targets": selectors.targets_of(user=request.user, region=f.region, code=code),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def wall(request: HttpRequest) -> HttpResponse:
    """The command centre's screen: 1920×1080, dark, refreshed every five minutes, figures only."""
    data = selectors.overview(
        user=request.user, region_code=request.GET.get("region"), period_text=request.GET.get("period")
    )
    return render(
        request,
        "dashboard/wall.html",
        {
            "o": data,
            "charts": charts.sparklines(data.with_targets),
            "now": timezone.localtime(),
            "time_zone": settings.TIME_ZONE,
        },
    )


@login_required
@permission_required("dashboard.export_indicators", raise_exception=True)
def report(request: HttpRequest) -> HttpResponse:
    data = reports.build(
        user=request.user, region_code=request.GET.get("region"), period_text=request.GET.get("period")
    )
    audit.record(
        actor=request.user,
        action="indicator_report.print",
        model=MeasureFact,
        detail={"region": data.overview.region.code, "period": str(data.overview.period)},
    )
    return render(
        request, "dashboard/report.html", {"r": data, "charts": charts.sparklines(data.overview.with_targets)}
    )


@login_required
@permission_required("dashboard.export_indicators", raise_exception=True)
def report_xlsx(request: HttpRequest) -> HttpResponse:
    data = reports.build(
        user=request.user, region_code=request.GET.get("region"), period_text=request.GET.get("period")
    )
    body = reports.workbook(data)
    audit.record(
        actor=request.user,
        action="indicator_report.export",
        model=MeasureFact,
        detail={"region": data.overview.region.code, "period": str(data.overview.period), "format": "xlsx"},
    )
    name = f"indicators-{data.overview.region.code}-{data.overview.period}.xlsx"
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@permission_required("dashboard.refresh_indicators", raise_exception=True)
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Count the running month again now (the nightly job does it anyway)."""
    period = Period.of(timezone.localdate())
    with audit.acting_as(request.user, via="驾驶舱：刷新指标汇总"):
        result = services.refresh(period=period)
    messages.success(
        request, f"已重新汇总 {period} 的数据（{len(result.measures)} 项计数，用时 {result.seconds:.1f} 秒）"
    )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/dashboard/") else reverse("dashboard:overview"))


def _period_choices(current: Period) -> list[Period]:
    latest = selectors.latest_period()
    start = max(current, latest)
    return [start.shift(-i) for i in range(selectors.HISTORY_MONTHS)]


@login_required
@permission_required("dashboard.view_plantarget", raise_exception=True)
def target_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/target_list.html",
        {
            "targets": selectors.target_rows(user=request.user),
            "can_edit": request.user.has_perm("dashboard.change_plantarget"),
        },
    )


@login_required
@permission_required("dashboard.view_plantarget", raise_exception=True)
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    return render(request, "dashboard/target_detail.html", _target_context(request, target))


def _target_context(request: HttpRequest, target) -> dict:
    """The target page: the version shown, all versions of its lineage, and whether it may be changed."""
    return {
        "t": target,
        "versions": selectors.target_history(user=request.user, lineage=target.lineage or target.pk),
        "indicator": selectors.indicator_of(target.indicator),
        "can_edit": request.user.has_perm("dashboard.change_plantarget") and target.current,
    }


def _target_fields(data: dict) -> dict:
    """What a new target and a revision both take from the form."""
    keys = ("comparator", "value", "target_year", "source_document", "note")
    return {key: data[key] for key in keys}


@login_required
@permission_required("dashboard.add_plantarget", raise_exception=True)
def target_create(request: HttpRequest) -> HttpResponse:
    regions = core_selectors.regions_for_choice(user=request.user)
    form = TargetForm(request.POST or None, regions=regions, initial={"comparator": "gte"})
    return pages.form_page(
        request,
        form,
        template="dashboard/target_form.html",
        save=lambda data: services.target_create(
            actor=request.user,
            region_code=data["region"],
            indicator=data["indicator"],
            **_target_fields(data),
        ),
        success_url=lambda t: reverse("dashboard:target_detail", args=[t.pk]),
        message="规划目标已保存",
        context={"title": "新增规划目标"},
    )


@login_required
@permission_required("dashboard.change_plantarget", raise_exception=True)
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk, action="change")
    initial = {
        "comparator": target.comparator,
        "value": target.value,
        "target_year": target.target_year,
        "source_document": target.source_document,
        "note": target.note,
    }
    form = TargetForm(request.POST or None, revising=True, initial=initial)
    return pages.form_page(
        request,
        form,
        template="dashboard/target_form.html",
        save=lambda data: services.target_revise(
            actor=request.user, target_id=target.pk, reason=data["reason"], **_target_fields(data)
        ),
        success_url=lambda t: reverse("dashboard:target_detail", args=[t.pk]),
        message=lambda t: f"已保存为第 {t.version} 版，原版本保留在修改记录中",
        context={
            "title": "修改规划目标",
            "target": target,
            "indicator": selectors.indicator_of(target.indicator),
        },
    )


@login_required
@permission_required("dashboard.change_plantarget", raise_exception=True)
@require_POST
def target_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk, action="change")
    form = WithdrawForm(request.POST)
    return pages.form_page(
        request,
        form,
        template="dashboard/target_detail.html",
        save=lambda data: services.target_withdraw(
            actor=request.user, target_id=target.pk, reason=data["reason"]
        ),
        success_url=lambda t: reverse("dashboard:target_detail", args=[t.pk]),
        message="规划目标已撤销",
        context=lambda: _target_context(request, target),
    )
