"""Pages of the benefits module: thin, each one selector or one service through ``core.pages.form_page``."""

from __future__ import annotations

import tempfile

from django import forms as django_forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.benefits import exports, paymentfile, rules, selectors, services
from yanglao.benefits.choices import BatchStatus, FindingKind
from yanglao.benefits.forms import (
    AccountForm,
    AdjustmentForm,
    ApplicationForm,
    BatchCancelForm,
    BatchPrepareForm,
    DecisionForm,
    PolicyVersionForm,
    RecoverySettleForm,
)
from yanglao.core import lists, months, pages, workflows
from yanglao.core.choices import Role
from yanglao.core.errors import NotFound
from yanglao.people.models import Elder


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _elder(request: HttpRequest, pk: int, action: str = "view") -> Elder:
    return selectors.elder_get(user=request.user, elder_id=pk, action=action)


# ---------------------------------------------------------------- batches


def _prepare_form(request: HttpRequest, data=None) -> BatchPrepareForm | None:
    if not request.user.has_perm("benefits.prepare_paymentbatch"):
        return None
    regions = selectors.batch_regions(user=request.user)
    if not regions:
        return None
    previous = months.previous_month(timezone.localdate())
    initial = {"month": f"{previous:%Y-%m}", "region": regions[0].code}
    return BatchPrepareForm(data, regions=regions, initial=initial)


def _list_context(request: HttpRequest) -> dict:
    return {
        "batches": selectors.batches(user=request.user, status=request.GET.get("status", "")),
        "statuses": BatchStatus.choices,
        "status": request.GET.get("status", ""),
        "recovery_totals": selectors.recovery_totals(user=request.user),
    }


@login_required
@permission_required("benefits.view_paymentbatch", raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "benefits/batch_list.html",
        {**_list_context(request), "prepare_form": _prepare_form(request)},
    )


@login_required
@require_POST
@permission_required("benefits.prepare_paymentbatch", raise_exception=True)
def batch_prepare(request: HttpRequest) -> HttpResponse:
    form = _prepare_form(request, request.POST)
    if form is None:
        raise PermissionDenied
    return pages.form_page(
        request,
        form,
        template="benefits/batch_list.html",
        context=lambda: _list_context(request),
        form_name="prepare_form",
        save=lambda data: services.batch_prepare(
            actor=request.user, month=data["month"], region_code=data["region"]
        ),
        success_url=lambda b: reverse("benefits:batch_detail", args=[b.pk]),
        message=lambda b: f"已编制{b.month:%Y年%m月}发放批次，请另一位工作人员审批",
    )


def _batch_context(request: HttpRequest, batch) -> dict:
    kind = request.GET.get("kind", "")
    actions = workflows.allowed_actions(request.user, batch)
    return {
        "b": batch,
        "can_approve": "approve" in actions,
        "can_cancel": "cancel" in actions,
        "can_prepare": request.user.has_perm("benefits.prepare_paymentbatch")
        and batch.status == BatchStatus.PREPARED,
        "can_export": request.user.has_perm("benefits.export_paymentbatch")
        and batch.status == BatchStatus.APPROVED,
        "finding_counts": selectors.batch_finding_counts(user=request.user, batch=batch),
        "findings": selectors.batch_findings(
            user=request.user, batch=batch, kind=kind, after=_int(request.GET.get("after"))
        ),
        "kind": kind,
        "kind_label": dict(FindingKind.choices).get(kind, ""),
        "stops": selectors.batch_stops(
            user=request.user, batch=batch, after=_int(request.GET.get("stop_after"))
        ),
        "recoveries": selectors.batch_recoveries(user=request.user, batch=batch),
        "page_size": selectors.PAGE,
        "action_form": django_forms.Form(),
        "cancel_form": BatchCancelForm(),
    }


@login_required
@permission_required("benefits.view_paymentbatch", raise_exception=True)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=pk)
    return render(request, "benefits/batch_detail.html", _batch_context(request, batch))


STEPS = {
    "approve": (
        lambda r, pk, data: services.batch_approve(actor=r.user, batch_id=pk),
        "已审批，该批次已锁定，可以导出银行代发文件",
    ),
    "cancel": (
        lambda r, pk, data: services.batch_cancel(actor=r.user, batch_id=pk, reason=data["reason"]),
        "批次已作废",
    ),
    "prepare": (
        lambda r, pk, data: services.batch_prepare(
            actor=r.user,
            month=selectors.batch_get(user=r.user, batch_id=pk).month,
            region_code=selectors.batch_get(user=r.user, batch_id=pk).region_id,
        ),
        "已按最新登记信息重新编制",
    ),
}


@login_required
@require_POST
def batch_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STEPS:
        raise Http404
    batch = selectors.batch_get(user=request.user, batch_id=pk)
    step, message = STEPS[action]
    form = BatchCancelForm(request.POST) if action == "cancel" else django_forms.Form(request.POST)
    return pages.form_page(
        request,
        form,
        template="benefits/batch_detail.html",
        context=lambda: _batch_context(request, selectors.batch_get(user=request.user, batch_id=batch.pk)),
        form_name="cancel_form" if action == "cancel" else "action_form",
        save=lambda data: step(request, pk, data),
        success_url=lambda saved: reverse("benefits:batch_detail", args=[saved.pk]),
        message=message,
    )


@login_required
def batch_bank_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = services.approved_batch(actor=request.user, batch_id=pk)
    data, _count = paymentfile.write_bank_file(actor=request.user, batch=batch)
    response = HttpResponse(data, content_type="text/plain; charset=gb18030")
    response["Content-Disposition"] = (
        f'attachment; filename="bank-{batch.region_id[:6]}-{batch.month:%Y%m}.txt"'
    )
    return response


@login_required
def batch_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    batch = services.approved_batch(actor=request.user, batch_id=pk)
    handle = tempfile.TemporaryFile()
    paymentfile.write_workbook(actor=request.user, batch=batch, handle=handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"bank-{batch.region_id[:6]}-{batch.month:%Y%m}.xlsx"
    )


# ---------------------------------------------------------------- policies


@login_required
@permission_required("benefits.view_benefitpolicy", raise_exception=True)
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.policies(user=request.user)
    today = timezone.localdate()
    return render(
        request,
        "benefits/policy_list.html",
        {
            "policies": [
                (
                    p,
                    rules.describe_rule(p.rule),
                    p.effective_from <= today and (p.effective_to is None or p.effective_to >= today),
                )
                for p in rows
            ],
            "can_manage": request.user.has_perm("benefits.manage_policy"),
        },
    )


@login_required
@permission_required("benefits.manage_policy", raise_exception=True)
def policy_revise(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(user=request.user, policy_id=pk)
    # A district revising its city's policy makes its own first version, which then overrides the city's.
    target = selectors.own_policy_region(user=request.user, policy=policy)
    if target is None:
        raise NotFound()
    initial = {
        "min_age": policy.rule.get("min_age"),
        "local_hukou": policy.rule.get("local_hukou", False),
        "exclude_institution": policy.rule.get("exclude_institution", False),
        "requires_application": policy.requires_application,
        "stacking_group": policy.stacking_group,
        "source": policy.source,
        **{f"band_{i}": band["amount"] for i, band in enumerate(policy.bands)},
    }
    form = PolicyVersionForm(request.POST or None, policy=policy, initial=initial)

    def save(data):
        rule = {
            k: v for k, v in policy.rule.items() if k not in ("min_age", "local_hukou", "exclude_institution")
        }
        if data["min_age"] is not None:
            rule["min_age"] = data["min_age"]
        rule.update({k: True for k in ("local_hukou", "exclude_institution") if data[k]})
        return services.policy_save(
            actor=request.user,
            region_code=target,
            code=policy.code,
            name=policy.name,
            effective_from=services.month_parse(data["effective_from"]),
            rule=rule,
            bands=form.bands_from(data),
            kind=policy.kind,
            frequency=policy.frequency,
            requires_application=data["requires_application"],
            stacking_group=data["stacking_group"],
            source=data["source"],
            note="",
        )

    return pages.form_page(
        request,
        form,
        template="benefits/policy_form.html",
        context={"policy": policy, "own": target == policy.region_id},
        save=save,
        success_url=lambda p: reverse("benefits:policy_list"),
        message=lambda p: f"已保存{p.name}第 {p.version} 版，自 {p.effective_from:%Y年%m月} 起执行",
    )


# ---------------------------------------------------------------- claims


@login_required
@permission_required("benefits.view_benefitapplication", raise_exception=True)
def application_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.application_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "benefits/application_list.html", "benefits/_application_rows.html")
    return render(
        request,
        template,
        {**lists.page_context(request, fs), "policies": selectors.policy_names(user=request.user)},
    )


@login_required
@permission_required("benefits.view_benefitapplication", raise_exception=True)
def application_export(request: HttpRequest) -> HttpResponse:
    return exports.APPLICATIONS.respond(request)


@login_required
@permission_required("benefits.view_payment", raise_exception=True)
def payment_list(request: HttpRequest) -> HttpResponse:
    """A batch's lines, filtered by policy and status: where each figure of the batch page can be checked."""
    fs = selectors.payment_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "benefits/payment_list.html", "benefits/_payment_rows.html")
    context = {**lists.page_context(request, fs), "policies": selectors.policy_names(user=request.user)}
    if request.GET.get("batch") and fs.form.is_valid():
        context["sums"] = selectors.payment_sums(fs.qs)  # one batch's lines: cheap to add up, and checkable
    return render(request, template, context)


@login_required
@permission_required("benefits.view_payment", raise_exception=True)
def payment_export(request: HttpRequest) -> HttpResponse:
    return exports.PAYMENTS.respond(request)


def _claim_policies(elder: Elder):
    from yanglao.benefits import batching

    book = batching.PolicyBook(elder.region_id)
    return [
        p
        for p in book.in_force(batching._district(elder.region_id), timezone.localdate().replace(day=1))
        if p.requires_application
    ]


@login_required
@permission_required("benefits.add_benefitapplication", raise_exception=True)
def application_new(request: HttpRequest, elder: int) -> HttpResponse:
    person = _elder(request, elder, "change")
    form = ApplicationForm(request.POST or None, policies=_claim_policies(person))
    return pages.form_page(
        request,
        form,
        template="benefits/application_new.html",
        context={"elder": person},
        save=lambda data: services.application_submit(actor=request.user, elder_id=person.pk, **data),
        success_url=lambda app: reverse("benefits:application_detail", args=[app.pk]),
        message="申请已受理，等待街道初审",
    )


DECISIONS = {
    "street_pass": "通过（街道初审）",
    "street_reject": "不通过（街道初审）",
    "district_pass": "通过（区县审核）",
    "district_reject": "不通过（区县审核）",
    "end": "终止享受",
}


def _application_context(request: HttpRequest, app) -> dict:
    actions = workflows.allowed_actions(request.user, app)
    return {
        "app": app,
        "buttons": [(a, DECISIONS[a]) for a in actions if a in DECISIONS],
        "form": DecisionForm(),
    }


@login_required
@permission_required("benefits.view_benefitapplication", raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, application_id=pk)
    if request.method != "POST":
        return render(request, "benefits/application_detail.html", _application_context(request, app))
    action = request.POST.get("action", "")
    if action not in DECISIONS:
        raise Http404
    return pages.form_page(
        request,
        DecisionForm(request.POST),
        template="benefits/application_detail.html",
        context=lambda: _application_context(
            request, selectors.application_get(user=request.user, application_id=pk)
        ),
        save=lambda data: services.application_decide(
            actor=request.user, application_id=pk, action=action, note=data["note"]
        ),
        success_url=lambda saved: reverse("benefits:application_detail", args=[pk]),
        message=lambda saved: f"已办理：{saved.get_status_display()}",
    )


# ---------------------------------------------------------------- recoveries


def _recovery_context(request: HttpRequest) -> dict:
    fs = selectors.recovery_filterset(user=request.user, params=request.GET)
    return {
        **lists.page_context(request, fs),
        "totals": selectors.recovery_totals(user=request.user),
        "can_settle": request.user.has_perm("benefits.settle_recovery"),
        "settle_form": RecoverySettleForm(),
    }


@login_required
@permission_required("benefits.view_recovery", raise_exception=True)
def recovery_list(request: HttpRequest) -> HttpResponse:
    template = lists.fragment(request, "benefits/recovery_list.html", "benefits/_recovery_rows.html")
    return render(request, template, _recovery_context(request))


@login_required
@permission_required("benefits.view_recovery", raise_exception=True)
def recovery_export(request: HttpRequest) -> HttpResponse:
    return exports.RECOVERIES.respond(request)


@login_required
@require_POST
@permission_required("benefits.settle_recovery", raise_exception=True)
def recovery_settle(request: HttpRequest, pk: int) -> HttpResponse:
    return pages.form_page(
        request,
        RecoverySettleForm(request.POST),
        template="benefits/recovery_list.html",
        context=lambda: _recovery_context(request),
        form_name="settle_form",
        save=lambda data: services.recovery_settle(
            actor=request.user, recovery_id=pk, status=data["status"], note=data["note"]
        ),
        success_url=lambda r: reverse("benefits:recovery_list"),
        message=lambda r: f"已登记：{r.get_status_display()}",
    )


# ---------------------------------------------------------------- the person


def _person_context(request: HttpRequest, person: Elder) -> dict:
    return {
        "elder": person,
        "b": selectors.person_benefits(user=request.user, elder=person),
        "can_claim": request.user.has_perm("benefits.add_benefitapplication"),
        "can_account": request.user.has_perm("benefits.change_payeeaccount"),
        "can_adjust": request.user.has_perm("benefits.add_benefitadjustment"),
    }


@login_required
@permission_required("benefits.view_payment", raise_exception=True)
def elder_panel(request: HttpRequest, pk: int) -> HttpResponse:
    person = _elder(request, pk)
    return render(request, "benefits/_elder_panel.html", _person_context(request, person))


@login_required
@permission_required("benefits.view_payment", raise_exception=True)
def elder_benefits(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole benefits page of one person: what the family opens on its phone."""
    person = _elder(request, pk)
    return render(request, "benefits/elder_benefits.html", _person_context(request, person))


@login_required
@permission_required("benefits.view_payment", raise_exception=True)
def family_benefits(request: HttpRequest) -> HttpResponse:
    """The family's phone: each linked person's benefits (a family account sees only its own people)."""
    if request.user.role != Role.FAMILY:
        raise Http404
    people = selectors.family_people(user=request.user)
    return render(
        request,
        "benefits/family_benefits.html",
        {
            "people": [
                {"elder": e, "b": selectors.person_benefits(user=request.user, elder=e)} for e in people
            ]
        },
    )


@login_required
@permission_required("benefits.change_payeeaccount", raise_exception=True)
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _elder(request, pk, "change")
    return pages.form_page(
        request,
        AccountForm(request.POST or None, initial={"holder_name": person.name, "holder_relation": "本人"}),
        template="benefits/account_form.html",
        context={"elder": person},
        save=lambda data: services.account_set(actor=request.user, elder_id=person.pk, **data),
        success_url=lambda a: reverse("people:elder_detail", args=[person.pk]),
        message="发放账户已登记",
    )


@login_required
@permission_required("benefits.add_benefitadjustment", raise_exception=True)
def adjustment_new(request: HttpRequest, pk: int) -> HttpResponse:
    from yanglao.benefits import batching

    person = _elder(request, pk, "change")
    book = batching.PolicyBook(person.region_id)
    in_force = book.in_force(batching._district(person.region_id), timezone.localdate().replace(day=1))
    return pages.form_page(
        request,
        AdjustmentForm(request.POST or None, policies=in_force),
        template="benefits/adjustment_form.html",
        context={"elder": person},
        save=lambda data: services.adjustment_add(actor=request.user, elder_id=person.pk, **data),
        success_url=lambda a: reverse("people:elder_detail", args=[person.pk]),
        message="已登记，将在下一个发放批次中补发或扣减",
    )
