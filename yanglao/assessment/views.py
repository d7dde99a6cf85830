"""Assessment pages: the request, assignment, the on-site form with live preview, review and the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yanglao.assessment import exports, instruments, scoring, selectors, services
from yanglao.assessment.forms import (
    AssignForm,
    DisputeForm,
    RequestForm,
    ReviewForm,
    parse_answers,
    parse_changes,
)
from yanglao.core import exports as core_exports
from yanglao.core import lists, workflows
from yanglao.core.errors import DomainError
from yanglao.core.forms import domain_errors_to_form
from yanglao.people import selectors as people_selectors


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def assessment_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.assessment_filterset(user=request.user, params=request.GET)
    page = lists.page_for(request, fs, limit=selectors.PAGE_SIZE)
    paged = bool(request.GET.get("after"))
    mine = None
    if not paged and request.user.has_perm("assessment.perform_assessment"):
        mine = selectors.assessments_for_assessor(user=request.user)[:50]
    return render(
        request,
        "assessment/assessment_list.html",
        {
            "page": page,
            "mine": mine,
            "form": fs.form,
            "paged": paged,
            "first_query": lists.query_without(request.GET, "after"),
            "export_query": lists.query_without(request.GET, *core_exports.PAGING_KEYS),
        },
    )


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def assessment_export(request: HttpRequest) -> HttpResponse:
    return exports.ASSESSMENTS.respond(request)


@login_required
@permission_required("assessment.perform_assessment", raise_exception=True)
def home_panel(request: HttpRequest) -> HttpResponse:
    """The assessor's home: her own open tasks, not the counts of the district."""
    tasks = selectors.assessments_for_assessor(user=request.user)[:20]
    return render(request, "assessment/_home_panel.html", {"tasks": tasks})


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def reassessment_due(request: HttpRequest) -> HttpResponse:
    days = request.GET.get("days", "30")
    days = min(int(days), 366) if days.isdigit() else 30
    page = Paginator(selectors.reassessment_due(user=request.user, within_days=days), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "assessment/due_list.html", {"rows": page.object_list, "page": page, "days": days})


@login_required
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    elder = people_selectors.elder_get(user=request.user, elder_id=pk)
    rows = selectors.assessment_list(user=request.user).filter(elder=elder)[:20]
    ability = selectors.elder_ability(elder)
    return render(request, "assessment/_elder_panel.html", {"elder": elder, "rows": rows, "ability": ability})


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
        "actions": workflows.allowed_actions(request.user, a),
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
@require_POST
def assessment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.assessment_confirm(actor=request.user, assessment_id=pk)
        messages.success(request, "已确认，评估已提交审核")
    except DomainError as exc:
        messages.error(request, exc.message)
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
    """The on-site form. Its script sends every change to ``assessment_answers`` (queued while offline);
    the final button posts the whole form with ``submit``. An incomplete submission comes back as the
    form, 422, with the missing items named."""
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    data = instruments.get(a.instrument)
    if request.method != "POST":
        return render(request, "assessment/form.html", _form_context(a, data, a.answers, a.context))
    answers, context = parse_answers(request.POST, data)
    try:
        if "submit" not in request.POST:  # a whole-form draft (pages cached before the change queue)
            a = services.assessment_save_draft(
                actor=request.user, assessment_id=a.pk, answers=answers, context=context
            )
            return render(
                request, "assessment/_preview.html", {"preview": _preview(data, a.answers, a.context)}
            )
        services.assessment_submit(actor=request.user, assessment_id=a.pk, answers=answers, context=context)
    except DomainError as exc:
        problems = getattr(exc, "problems", None) or [{"item": "", "zh": exc.message}]
        return render(
            request,
            "assessment/form.html",
            _form_context(a, data, answers, context, problems=problems),
            status=422,
        )
    messages.success(request, "评估已提交，请另一名评估员登录后确认")
    return redirect("assessment:detail", pk=a.pk)


@login_required
@require_POST
def assessment_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes queued on an assessor's device (JSON), merged idempotently; answers with what the server
    now holds, which the page shows as 服务器已保存 N/26 项."""
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    data = instruments.get(a.instrument)
    try:
        changes = parse_changes(request.body, data)
        a = services.assessment_record_answers(actor=request.user, assessment_id=a.pk, changes=changes)
    except DomainError as exc:
        return render(request, "assessment/_preview.html", {"error": exc.message}, status=422)
    return render(request, "assessment/_preview.html", {"preview": _preview(data, a.answers, a.context)})


def _form_context(a, data: dict, answers: dict, context: dict, problems: list[dict] | None = None) -> dict:
    """The form's steps with each item's current answer and, after a refused submission, its problem."""
    by_item = {p["item"]: p["zh"] for p in problems or []}
    steps = [
        {
            "name": dim["name"],
            "items": [
                {**item, "value": answers.get(item["code"]), "problem": by_item.get(item["code"])}
                for item in dim["items"]
            ],
        }
        for dim in data["dimensions"]
    ]
    step_of = {item["code"]: n for n, dim in enumerate(data["dimensions"]) for item in dim["items"]}
    listed = [{**p, "step": step_of.get(p["item"])} for p in problems or []]
    return {
        "a": a,
        "instrument": data,
        "steps": steps,
        "context": context,
        "problems": listed,
        "preview": _preview(data, a.answers, a.context),
    }


def _preview(data: dict, answers: dict, context: dict) -> dict:
    """What the server holds: how many items are answered and, once all are, the level."""
    items = [i for d in data["dimensions"] for i in d["items"]]
    answered = sum(1 for i in items if answers.get(i["code"]) is not None)
    summary = {"complete": False, "answered": answered, "items": len(items)}
    if answered < len(items):
        return summary
    try:
        result = scoring.score(data, answers, context)
    except scoring.ScoringError:
        return summary
    return {**summary, "complete": True, "result": result.as_dict()}


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
