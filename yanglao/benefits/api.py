"""The benefits API (thin): batches as the page shows them, and one person's benefits with the reasons."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from yanglao.benefits import selectors

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
