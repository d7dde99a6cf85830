"""The benefits API (thin): batches as the page shows them, the lines, claims and recoveries lists with the
pages' filters, and one person's benefits with the reasons."""

# No "from __future__ import annotations": ninja reads the paginated views' annotations through its wrapper.

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from yanglao.benefits import filters, selectors
from yanglao.core import lists

router = Router(tags=["福利补贴"])


class PolicyTotalOut(Schema):
    code: str
    name: str = ""
    people: int
    total_yuan: str


class BatchOut(Schema):
    id: int
    month: str
    region: str
    status: str
    status_label: str
    payments: int
    people: int
    total_yuan: str
    held: int
    held_yuan: str
    stopped: int
    recoveries: int
    recoveries_yuan: str
    findings: int
    by_policy: list[PolicyTotalOut]


class EntitlementOut(Schema):
    code: str
    name: str
    paid: bool
    amount_yuan: str | None
    band: str
    needs_claim: bool
    met: list[str]
    why_not: str


class PaymentOut(Schema):
    month: str
    policy: str
    amount_yuan: str
    kind: str
    state: str


class PersonBenefitsOut(Schema):
    next_month: str
    next_total_yuan: str
    entitlements: list[EntitlementOut]
    history: list[PaymentOut]


def _batch(b) -> dict:
    return {
        "id": b.pk,
        "month": f"{b.month:%Y-%m}",
        "region": b.region_id,
        "status": b.status,
        "status_label": b.get_status_display(),
        **{k: getattr(b, k) for k in ("payments", "people", "held", "stopped", "recoveries", "findings")},
        **{k: f"{getattr(b, k):.2f}" for k in ("total_yuan", "held_yuan", "recoveries_yuan")},
        "by_policy": b.by_policy,
    }


@router.get("/benefit-batches", response=list[BatchOut])
def list_batches(request: HttpRequest, status: str = ""):
    """The batches in the caller's regions, newest month first (at most 120)."""
    if not request.user.has_perm("benefits.view_paymentbatch"):
        raise PermissionDenied
    return [_batch(b) for b in selectors.batches(user=request.user, status=status)]


@router.get("/benefit-batches/{batch_id}", response=BatchOut)
def get_batch(request: HttpRequest, batch_id: int):
    if not request.user.has_perm("benefits.view_paymentbatch"):
        raise PermissionDenied
    return _batch(selectors.batch_get(user=request.user, batch_id=batch_id))


@router.get("/elders/{elder_id}/benefits", response=PersonBenefitsOut)
def person_benefits(request: HttpRequest, elder_id: int):
    """Every policy for the person's next payment month: paid or not, the amount and why."""
    if not request.user.has_perm("benefits.view_payment"):
        raise PermissionDenied
    elder = selectors.elder_get(user=request.user, elder_id=elder_id)
    b = selectors.person_benefits(user=request.user, elder=elder)
    return {
        "next_month": f"{b['next_month']:%Y-%m}",
        "next_total_yuan": f"{b['next_total']:.2f}",
        "entitlements": [
            {
                "code": e.policy.code,
                "name": e.policy.name,
                "paid": e.verdict.paid and not e.needs_claim,
                "amount_yuan": f"{e.verdict.amount:.2f}" if e.verdict.amount is not None else None,
                "band": e.verdict.band,
                "needs_claim": e.needs_claim,
                "met": list(e.verdict.met),
                "why_not": e.verdict.why,
            }
            for e in b["entitlements"]
        ],
        "history": [
            {
                "month": f"{p.month:%Y-%m}",
                "policy": p.policy.name,
                "amount_yuan": f"{p.amount:.2f}",
                "kind": p.kind,
                "state": ("已发放" if p.status == "pay" else "暂缓发放")
                if p.batch.status == "approved"
                else "待审批",
            }
            for p in b["history"]
        ],
    }


PaymentFilterIn = lists.filter_schema(filters.PaymentFilterSet, "BenefitPaymentFilterIn")
ApplicationFilterIn = lists.filter_schema(filters.ApplicationFilterSet, "BenefitApplicationFilterIn")
RecoveryFilterIn = lists.filter_schema(filters.RecoveryFilterSet, "BenefitRecoveryFilterIn")


class PaymentLineOut(Schema):
    id: int
    batch: int
    elder: int
    name: str
    region: str
    policy: str
    policy_name: str
    month: str
    kind: str
    band: str
    amount_yuan: str
    status: str
    basis: str


class ApplicationOut(Schema):
    id: int
    elder: int
    name: str
    region: str
    policy: str
    policy_name: str
    applicant: str
    status: str
    status_label: str
    submitted_at: str


class RecoveryOut(Schema):
    id: int
    elder: int
    name: str
    region: str
    policy: str
    month: str
    amount_yuan: str
    reason: str
    status: str


@router.get("/benefit-payments", response=list[PaymentLineOut])
@paginate(lists.KeysetPagination)
def list_payments(request: HttpRequest, params: Query[PaymentFilterIn]):  # type: ignore[valid-type]
    """Batch lines in scope with the page's filters (``batch``, ``policy``, ``status``, ``kind``), by keyset."""
    return lists.Listed(
        selectors.payment_filterset(user=request.user, params=lists.schema_params(params)),
        out=lambda p: {
            "id": p.pk,
            "batch": p.batch_id,
            "elder": p.elder_id,
            "name": p.elder.name,
            "region": p.region_id,
            "policy": p.policy_code,
            "policy_name": p.policy.name,
            "month": f"{p.month:%Y-%m}",
            "kind": p.kind,
            "band": p.band,
            "amount_yuan": f"{p.amount:.2f}",
            "status": p.status,
            "basis": p.basis,
        },
    )


@router.get("/benefit-applications", response=list[ApplicationOut])
@paginate(lists.KeysetPagination)
def list_applications(request: HttpRequest, params: Query[ApplicationFilterIn]):  # type: ignore[valid-type]
    """Claims in scope, newest first, by keyset."""
    return lists.Listed(
        selectors.application_filterset(user=request.user, params=lists.schema_params(params)),
        out=lambda a: {
            "id": a.pk,
            "elder": a.elder_id,
            "name": a.elder.name,
            "region": a.region_id,
            "policy": a.policy_code,
            "policy_name": a.policy_name,
            "applicant": a.applicant,
            "status": a.status,
            "status_label": a.get_status_display(),
            "submitted_at": a.submitted_at.isoformat(),
        },
    )


@router.get("/benefit-recoveries", response=list[RecoveryOut])
@paginate(lists.KeysetPagination)
def list_recoveries(request: HttpRequest, params: Query[RecoveryFilterIn]):  # type: ignore[valid-type]
    """The recovery ledger in scope (open ones unless ``status`` says otherwise), by keyset."""
    return lists.Listed(
        selectors.recovery_filterset(user=request.user, params=lists.schema_params(params)),
        out=lambda r: {
            "id": r.pk,
            "elder": r.elder_id,
            "name": r.elder.name,
            "region": r.region_id,
            "policy": r.policy_code,
            "month": f"{r.month:%Y-%m}",
            "amount_yuan": f"{r.amount:.2f}",
            "reason": r.reason,
            "status": r.status,
        },
    )
