"""Assessment pages: the request, assignment, the on-site form with live preview, review and the report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from yanglao.core import lists, pages, workflows
from yanglao.core.errors import DomainError
from yanglao.people import selectors as people_selectors

MY_TASKS = 50  # the oldest first; more are said, not dropped


@login_required
@permission_required("assessment.view_assessment", raise_exception=True)
def assessment_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.assessment_filterset(user=request.user, params=request.GET)
    context = lists.page_context(request, fs, limit=selectors.PAGE_SIZE)
    context["mine"] = None
    if not context["paged"] and request.user.has_perm("assessment.perform_assessment"):
        mine = list(selectors.assessments_for_assessor(user=request.user)[: MY_TASKS + 1])
        context["mine"], context["mine_more"] = mine[:MY_TASKS], len(mine) > MY_TASKS
    return render(request, "assessment/assessment_list.html", context)


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
    fs = selectors.reassessment_due_filterset(user=request.user, within_days=days)
    page = lists.page_for(request, fs)
    context = {
        "rows": page.rows,
        "days": days,
        "today": fs.today,
        "next": page.next,
        "paged": bool(request.GET.get("after")),
    }
    return render(request, "assessment/due_list.html", context)


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
    return pages.form_page(
        request,
        RequestForm(request.POST or None),
        template="assessment/request.html",
        context={"elder": elder},
        save=lambda data: services.assessment_request(actor=request.user, elder_id=elder.pk, **data),
        success_url=lambda a: reverse("assessment:detail", args=[a.pk]),
        message="评估申请已提交",
    )


def _assign_form(request, data=None):
    return AssignForm(
        data,
        agencies=selectors.agencies_for(user=request.user),
        assessors=selectors.assessors_for(user=request.user),
    )


def _detail_context(request: HttpRequest, a) -> dict:
    return {
        "a": a,
        "instrument": instruments.get(a.instrument),
        "actions": workflows.allowed_actions(request.user, a),
        "assign_form": _assign_form(request),
        "review_form": ReviewForm(),
        "dispute_form": DisputeForm(),
        "confirm_form": forms.Form(),
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    return render(request, "assessment/detail.html", _detail_context(request, a))


def _detail_action(request: HttpRequest, pk: int, form, form_name: str, save, message: str, next_pk=None):
    """An action posted from the detail page: done → back to the page with a message; refused → the page
    again with the reason on the action's form, 422 (core.pages)."""
    a = selectors.assessment_get(user=request.user, assessment_id=pk)
    return pages.form_page(
        request,
        form,
        template="assessment/detail.html",
        context=lambda: _detail_context(request, a),
        form_name=form_name,
        save=save,
        success_url=lambda saved: reverse("assessment:detail", args=[next_pk(saved) if next_pk else pk]),
        message=message,
    )


@login_required
@require_POST
def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request,
        pk,
        _assign_form(request, request.POST),
        "assign_form",
        lambda data: services.assessment_assign(
            actor=request.user,
            assessment_id=pk,
            agency_id=data["agency"],
            assessor_ids=(data["assessor_1"], data["assessor_2"]),
        ),
        "已派单",
    )


@login_required
@require_POST
def assessment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request,
        pk,
        forms.Form(request.POST),
        "confirm_form",
        lambda data: services.assessment_confirm(actor=request.user, assessment_id=pk),
        "已确认，评估已提交审核",
    )


@login_required
@require_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request,
        pk,
        ReviewForm(request.POST),
        "review_form",
        lambda data: services.assessment_review(
            actor=request.user,
            assessment_id=pk,
            approve=data["decision"] == "approve",
            comment=data["comment"],
        ),
        "审核完成",
    )


@login_required
@require_POST
def assessment_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_action(
        request,
        pk,
        DisputeForm(request.POST),
        "dispute_form",
        lambda data: services.assessment_dispute(actor=request.user, assessment_id=pk, note=data["note"]),
        "已申请复评",
        next_pk=lambda review: review.pk,
    )


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
