"""Assessment pages: the request, assignment, the on-site form with live preview, review and the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yanglao.assessment import instruments, scoring, selectors, services
from yanglao.assessment.choices import Status
from yanglao.assessment.forms import AssignForm, DisputeForm, RequestForm, ReviewForm, parse_answers
from yanglao.core.errors import DomainError
from yanglao.core.forms import domain_errors_to_form
from yanglao.people import selectors as people_selectors


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def assessment_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    mine = selectors.assessments_for_assessor(user=request.user) if request.user.role == "assessor" else None
    rows = selectors.assessment_list(user=request.user, status=status)[:200]
    return render(
        request,
        "assessment/assessment_list.html",
        {"rows": rows, "mine": mine, "status": status, "statuses": Status.choices},
    )


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def reassessment_due(request: HttpRequest) -> HttpResponse:
    rows = selectors.reassessment_due(user=request.user, within_days=int(request.GET.get("days", 30)))[:500]
    return render(request, "assessment/due_list.html", {"rows": rows})


@login_required
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    elder = people_selectors.elder_get(user=request.user, elder_id=pk)
    rows = selectors.assessment_list(user=request.user).filter(elder=elder)[:20]
    return render(request, "assessment/_elder_panel.html", {"elder": elder, "rows": rows})


@login_required
@permission_required("assessment.add_assessment", raise_exception=True)
def assessment_request(request: HttpRequest, elder_id: int) -> HttpResponse:
    elder = people_selectors.elder_get(user=request.user, elder_id=elder_id)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.assessment_request(actor=request.user, elder_id=elder.pk, **form.cleaned_data)
            messages.success(request, "评估申请已提交")
            return redirect("assessment:detail", pk=a.pk)
        except DomainError as exc:
            domain_errors_to_form(form, exc)
    return render(
        request,
        "assessment/request.html",
        {"form": form, "elder": elder},
        status=422 if request.method == "POST" else 200,
    )


def _assign_form(request, data=None):
    return AssignForm(
        data,
        agencies=selectors.agencies_for(user=request.user),
        assessors=selectors.assessors_for(user=request.user),
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    context = {
        "a": a,
        "instrument": instruments.get(a.instrument),
        "can_assign": request.user.has_perm("assessment.change_assessment")
        and a.status in (Status.REQUESTED, Status.ASSIGNED),
        "can_fill": request.user.pk in (a.assessor_1_id, a.assessor_2_id)
        and a.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED),
        "can_review": request.user.has_perm("assessment.review_assessment") and a.status == Status.SUBMITTED,
        "can_dispute": request.user.has_perm("assessment.add_assessment") and a.status == Status.APPROVED,
        "assign_form": _assign_form(request),
        "review_form": ReviewForm(),
        "dispute_form": DisputeForm(),
    }
    return render(request, "assessment/detail.html", context)


@login_required
def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = _assign_form(request, request.POST)
    if form.is_valid():
        try:
            services.assessment_assign(
                actor=request.user,
                assessment_id=pk,
                agency_id=form.cleaned_data["agency"],
                assessor_ids=(form.cleaned_data["assessor_1"], form.cleaned_data["assessor_2"]),
            )
            messages.success(request, "已派单")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请选择评估机构和两名评估员")
    return redirect("assessment:detail", pk=pk)


@login_required
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_review(
                actor=request.user,
                assessment_id=pk,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, "审核完成")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("assessment:detail", pk=pk)


@login_required
def assessment_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            review = services.assessment_dispute(
                actor=request.user, assessment_id=pk, note=form.cleaned_data["note"]
            )
            messages.success(request, "已申请复评")
            return redirect("assessment:detail", pk=review.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写复评理由")
    return redirect("assessment:detail", pk=pk)


@login_required
def assessment_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The on-site form. htmx posts every change here (a draft, saved, with the live level); the final
    button posts ``submit``."""
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    data = instruments.get(a.instrument)
    if request.method == "POST":
        answers, context = parse_answers(request.POST, data)
        try:
            if "submit" in request.POST:
                services.assessment_submit(
                    actor=request.user, assessment_id=a.pk, answers=answers, context=context
                )
                messages.success(request, "评估已提交，等待审核")
                return redirect("assessment:detail", pk=a.pk)
            services.assessment_save_draft(
                actor=request.user, assessment_id=a.pk, answers=answers, context=context
            )
        except DomainError as exc:
            return render(
                request, "assessment/_preview.html", {"error": exc.message, "preview": None}, status=422
            )
        return render(
            request, "assessment/_preview.html", {"preview": _preview(data, answers, context), "saved": True}
        )
    return render(
        request,
        "assessment/form.html",
        {"a": a, "instrument": data, "preview": _preview(data, a.answers, a.context)},
    )


def _preview(data: dict, answers: dict, context: dict) -> dict:
    """The level as it stands: missing items count as not yet answered (shown, not guessed)."""
    items = [i for d in data["dimensions"] for i in d["items"]]
    missing = [i["code"] for i in items if i["code"] not in answers]
    if missing:
        return {
            "complete": False,
            "missing": missing,
            "answered": len(items) - len(missing),
            "items": len(items),
        }
    try:
        result = scoring.score(data, answers, context)
    except scoring.ScoringError as exc:
        return {
            "complete": False,
            "missing": [p["item"] for p in exc.problems],
            "answered": 0,
            "items": len(items),
        }
    return {"complete": True, "result": result.as_dict(), "items": len(items)}


@login_required
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    data = instruments.get(a.instrument)
    rows = [
        (
            d,
            [
                (
                    i,
                    a.answers.get(i["code"]),
                    next((o["text"] for o in i["options"] if o["score"] == a.answers.get(i["code"])), ""),
                )
                for i in d["items"]
            ],
        )
        for d in data["dimensions"]
    ]
    return render(request, "assessment/report.html", {"a": a, "instrument": data, "rows": rows})
