"""Facilities pages: the public map (no login), the staff facility list and bed register, the staff coverage
map and the planning indicators. Thin: selectors and services do the work."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import lists, pages, workflows
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import DomainError
from yanglao.facilities import exports, importing, selectors, services
from yanglao.facilities.choices import BedType, FacilityKind
from yanglao.facilities.forms import AdmitForm, BedForm, DischargeForm, FacilityForm


def public_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "facilities/public_map.html",
        {
            "kinds": FacilityKind.choices,
            "bed_types": dict(BedType.choices),
            "tile_url": settings.MAP_TILE_URL,
            "boundary_parent": settings.MAP_BOUNDARY_REGION,
        },
    )


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def home_panel(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "facilities/_home_panel.html",
        {
            "s": selectors.home_summary(user=request.user),
            "can_analyse": selectors.can_analyse(user=request.user),
        },
    )


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def facility_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.facility_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "facilities/facility_list.html", "facilities/_facility_rows.html")
    context = lists.page_context(request, fs)
    context["total"] = (
        fs.qs.order_by().count()
    )  # facilities number in the thousands city-wide: a count is cheap
    context["can_analyse"] = selectors.can_analyse(user=request.user)
    return render(request, template, context)


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def facility_export(request: HttpRequest) -> HttpResponse:
    return exports.FACILITIES.respond(request)


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=pk)
    return render(request, "facilities/facility_detail.html", _detail_context(request, facility))


def _detail_context(request: HttpRequest, facility) -> dict:
    beds = [
        (bed, workflows.allowed_actions(request.user, bed))
        for bed in selectors.bed_register(user=request.user, facility=facility)
    ]
    trend = selectors.occupancy_trend(user=request.user, facility=facility, days=90)
    return {
        "facility": facility,
        "beds": beds,
        "counts": selectors.bed_counts(user=request.user, facility=facility),
        "stays": selectors.stay_history(user=request.user, facility=facility),
        **_trend_context(trend),
        "bed_form": BedForm(),
        "today": timezone.localdate().isoformat(),
        "can_change": request.user.has_perm("facilities.change_bed"),
        "can_edit": request.user.has_perm("facilities.change_facility"),
    }


def _facility_form_page(request: HttpRequest, *, facility=None) -> HttpResponse:
    regions = core_selectors.regions_for_choice(user=request.user)
    operators = core_selectors.organisation_list(user=request.user)
    initial = {}
    if facility is not None:
        initial = {f: getattr(facility, f) for f in services.EDITABLE} | {
            "region_code": facility.region_id,
            "operator_id": facility.operator_id,
            "lat": facility.lat,
            "lng": facility.lng,
            "services": "、".join(facility.services),
        }

    def save(data: dict):
        if facility is None:
            return services.facility_create(actor=request.user, **data)
        return services.facility_update(actor=request.user, facility_id=facility.pk, **data)

    return pages.form_page(
        request,
        FacilityForm(request.POST or None, regions=regions, operators=operators, initial=initial),
        template="facilities/facility_form.html",
        context={"facility": facility},
        save=save,
        success_url=lambda saved: reverse("facilities:detail", args=[saved.pk]),
        message=lambda saved: f"{'已登记' if facility is None else '已保存'}：{saved.name}",
    )


@login_required
@permission_required("facilities.add_facility", raise_exception=True)
def facility_create(request: HttpRequest) -> HttpResponse:
    return _facility_form_page(request)


@login_required
@permission_required("facilities.change_facility", raise_exception=True)
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_get(user=request.user, facility_id=pk)
    return _facility_form_page(request, facility=facility)


@login_required
def facility_import(request: HttpRequest) -> HttpResponse:
    """The old address: the facility import runs on core's import pages, as a job with a dry run."""
    return redirect("core:import_new", kind=importing.IMPORTER.kind)


def _trend_context(trend: list[dict], width: int = 600, height: int = 80) -> dict:
    """What facilities/_trend.html draws: SVG polyline points for the daily rates in [0, 1] and the latest
    day's figures (drawing only; the numbers come from the snapshots)."""
    rates = [r["rate"] or 0 for r in trend]
    step = width / (len(rates) - 1) if len(rates) > 1 else 0
    latest = trend[-1] if trend else None
    return {
        "trend": trend,
        "sparkline": " ".join(f"{i * step:.1f},{height - v * height:.1f}" for i, v in enumerate(rates))
        if len(rates) > 1
        else "",
        "latest": latest,
        "latest_rate": f"{latest['rate'] or 0:.1%}" if latest else "",
    }


def _bed_action(request: HttpRequest, pk: int, form, form_name: str, save, message):
    """A bed action posted from the facility page: refused → the page again with the reason by the form."""
    facility = selectors.facility_get(user=request.user, facility_id=pk)
    return pages.form_page(
        request,
        form,
        template="facilities/facility_detail.html",
        context=lambda: _detail_context(request, facility),
        form_name=form_name,
        save=save,
        success_url=lambda saved: reverse("facilities:detail", args=[pk]),
        message=message,
    )


@login_required
@require_POST
def bed_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _bed_action(
        request,
        pk,
        BedForm(request.POST),
        "bed_form",
        lambda data: services.bed_create(actor=request.user, facility_id=pk, **data),
        lambda bed: f"已登记床位 {bed}",
    )


@login_required
@require_POST
def bed_admit(request: HttpRequest, pk: int, bed_id: int) -> HttpResponse:
    return _bed_action(
        request,
        pk,
        AdmitForm(request.POST),
        "admit_form",
        lambda data: services.bed_admit(actor=request.user, bed_id=bed_id, **data),
        "已办理入住",
    )


@login_required
@permission_required("facilities.change_bed", raise_exception=True)
def bed_discharge(request: HttpRequest, pk: int, bed_id: int) -> HttpResponse:
    """Ask why the person leaves and on which day, show who and which bed, then discharge on confirmation."""
    facility = selectors.facility_get(user=request.user, facility_id=pk)
    bed = selectors.bed_get(user=request.user, facility=facility, bed_id=bed_id)
    refused = workflows.refusal(request.user, bed, "discharge")
    if refused is not None and not isinstance(refused, DomainError):
        raise refused
    form = DischargeForm(request.POST or None, initial={"date": timezone.localdate()})
    if isinstance(refused, DomainError):  # nobody in the bed (any more): say so on the page, nothing to post
        context = {"facility": facility, "bed": bed, "refused": refused.message}
        return render(request, "facilities/bed_discharge.html", context, status=422)
    return pages.form_page(
        request,
        form,
        template="facilities/bed_discharge.html",
        context=lambda: {
            "facility": facility,
            "bed": bed,
            "stay": selectors.stay_open(user=request.user, bed=bed),
        },
        save=lambda data: services.bed_discharge(actor=request.user, bed_id=bed.pk, **data),
        success_url=lambda stay: reverse("facilities:detail", args=[pk]),
        message=lambda stay: f"已办理离开（{stay.get_discharge_reason_display()}）",
    )


def _region_choice(request: HttpRequest) -> tuple[list, str]:
    regions = selectors.analysis_regions(user=request.user)
    if not regions:
        raise Http404
    code = request.GET.get("region") or regions[0].code
    if code not in {r.code for r in regions}:
        raise Http404
    return regions, code


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def coverage_map(request: HttpRequest) -> HttpResponse:
    regions, code = _region_choice(request)
    kind = request.GET.get("kind", FacilityKind.DAY_CARE)
    return render(
        request,
        "facilities/coverage_map.html",
        {
            "regions": regions,
            "region": code,
            "kinds": FacilityKind.choices,
            "kind": kind if kind in FacilityKind.values else FacilityKind.DAY_CARE,
            "radius": request.GET.get("radius", "1000"),
            "k": request.GET.get("k", "3"),
            "tile_url": settings.MAP_TILE_URL,
        },
    )


@login_required
@permission_required("facilities.view_facility", raise_exception=True)
def indicators(request: HttpRequest) -> HttpResponse:
    regions, code = _region_choice(request)
    result = selectors.planning_indicators_cached(user=request.user, region_code=code)
    trend = selectors.occupancy_trend(
        user=request.user, region_code=code, days=90, kinds=selectors.RESIDENTIAL_KINDS
    )
    return render(
        request,
        "facilities/indicators.html",
        {
            "regions": regions,
            "region": code,
            "result": result,
            "rows": [*result["by_region"], result["total"]],
            "bed_types": BedType.choices,
            "standards": selectors.standards_check(result["total"]),
            **_trend_context(trend),
        },
    )
