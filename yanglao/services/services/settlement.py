"""Monthly settlement with the government (结算): a provider's statement of a month's confirmed orders, the
government's decisions on the orders with alerts, the maker-checker path (provider submits → street checks →
district approves and the month locks) and corrections to a locked month, which land in the next open month.

Only confirmed and rated orders count; an order with any quality alert is an exception (异常工单) whose
government share is held back until the government decides (照付 pays it, 核减 pays it less the cut, 拒付 pays
neither share). The figures are SQL aggregates over the month's orders, never a Python loop over them, so a
district's million orders of a month settle in seconds (bench/settlement.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from yanglao.core import audit, events, months, text, workflows
from yanglao.core.errors import NotFound
from yanglao.core.models import Organisation, User
from yanglao.services import errors
from yanglao.services.choices import Channel, ExceptionDecision, OrderStatus, SettlementStatus
from yanglao.services.models import (
    ServiceAlert,
    ServiceOrder,
    Settlement,
    SettlementAdjustment,
    SettlementException,
)

COUNTED = (OrderStatus.CONFIRMED, OrderStatus.RATED)  # only these are paid
TOPIC = "services.settlement"
REASON = "monthly settlement"
ZERO = Decimal("0.00")
MAX_MONTHS_AHEAD = 24  # how far an adjustment looks for an open month before giving up


# ---------------------------------------------------------------- months


def month_parse(value: object) -> dt.date:
    """``YYYY-MM`` (or a date) → the month's first day; anything else is refused with its own code."""
    parsed = months.parse(value)
    if parsed is None:
        raw = str(value or "").strip()
        message = f"结算月份应写作“年-月”，例如 2026-03（收到：{raw[:20] or '空'}）"
        raise errors.InvalidSettlement(
            message, fields={"month": message}, code="services.settlement_bad_month"
        )
    return parsed


next_month = months.next_month


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [start, end) moments in the platform's time zone (Asia/Shanghai)."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=zone)


def is_system(actor: User) -> bool:
    return actor.username == audit.SYSTEM_USERNAME and not actor.is_active


# ---------------------------------------------------------------- figures


def _month_orders(settlement: Settlement):
    start, end = month_bounds(settlement.month)
    return (
        ServiceOrder.objects.unscoped(reason=REASON)
        .filter(provider_id=settlement.provider_id, scheduled_start__gte=start, scheduled_start__lt=end)
        .exclude(channel=Channel.LTC)  # 长护险 visits are settled with the LTC fund (the ltc module)
    )


def _sync_exceptions(settlement: Settlement, actor: User) -> None:
    """One exception per counted order with any alert: new ones pending, decisions already taken kept."""
    start, end = month_bounds(settlement.month)
    alerts = (
        ServiceAlert.objects.unscoped(reason=REASON)
        .filter(
            order__provider_id=settlement.provider_id,
            order__channel__in=[c for c in Channel.values if c != Channel.LTC],
            order__scheduled_start__gte=start,
            order__scheduled_start__lt=end,
            order__status__in=COUNTED,
        )
        .order_by("order_id", "kind")
        .values_list("order_id", "kind", "message")
    )
    from yanglao.services.choices import AlertKind

    labels = dict(AlertKind.choices)
    reasons: dict[int, list[dict[str, str]]] = {}
    for order_id, kind, message in alerts:
        reasons.setdefault(order_id, []).append(
            {"kind": kind, "label": labels.get(kind, kind), "message": message}
        )
    rows = SettlementException.objects.unscoped(reason=REASON).filter(settlement=settlement)
    existing = {order_id: (pk, old) for pk, order_id, old in rows.values_list("pk", "order_id", "reasons")}
    gone = [pk for order_id, (pk, _) in existing.items() if order_id not in reasons]
    if gone:
        rows.filter(pk__in=gone).delete()
    changed = [
        SettlementException(pk=pk, reasons=reasons[order_id])
        for order_id, (pk, old) in existing.items()
        if order_id in reasons and old != reasons[order_id]
    ]
    if changed:
        SettlementException.objects.bulk_update(changed, ["reasons"], batch_size=2000)
    SettlementException.objects.bulk_create(
        [
            SettlementException(
                settlement=settlement,
                order_id=order_id,
                provider_id=settlement.provider_id,
                region_id=settlement.region_id,
                provider_region_id=settlement.provider_region_id,
                reasons=found,
            )
            for order_id, found in reasons.items()
            if order_id not in existing
        ],
        batch_size=2000,
    )


def _refresh_totals(settlement: Settlement) -> None:
    """The figures from three aggregates: the month's orders, the exceptions by decision, the adjustments."""
    counted = Q(status__in=COUNTED)
    base = _month_orders(settlement).aggregate(
        orders=Count("pk"),
        confirmed=Count("pk", filter=counted),
        government=Sum("government_yuan", filter=counted),
        self_pay=Sum("self_pay_yuan", filter=counted),
    )
    d = ExceptionDecision
    held = (
        SettlementException.objects.unscoped(reason=REASON)
        .filter(settlement=settlement)
        .aggregate(
            n=Count("pk"),
            pending=Sum("order__government_yuan", filter=Q(decision=d.PENDING)),
            refused_government=Sum("order__government_yuan", filter=Q(decision=d.REFUSED)),
            refused_self=Sum("order__self_pay_yuan", filter=Q(decision=d.REFUSED)),
            cut=Sum("cut_yuan", filter=Q(decision=d.CUT)),
        )
    )
    adjusted = (
        SettlementAdjustment.objects.unscoped(reason=REASON)
        .filter(settlement=settlement)
        .aggregate(total=Sum("government_yuan"))
    )

    def amount(value: Decimal | None) -> Decimal:
        return (value or ZERO).quantize(Decimal("0.01"))

    settlement.orders = base["orders"]
    settlement.confirmed = base["confirmed"]
    settlement.exceptions = held["n"]
    settlement.government_yuan = (
        amount(base["government"])
        - amount(held["pending"])
        - amount(held["refused_government"])
        - amount(held["cut"])
    )
    settlement.self_pay_yuan = amount(base["self_pay"]) - amount(held["refused_self"])
    settlement.adjustments_yuan = amount(adjusted["total"])
    settlement.save(
        update_fields=[
            "orders",
            "confirmed",
            "exceptions",
            "government_yuan",
            "self_pay_yuan",
            "adjustments_yuan",
        ]
    )


STEP_LABELS = {
    "prepare": "生成结算单",
    "submit": "提交审核",
    "check": "街道审核通过",
    "approve": "区（县）批准，月份锁定",
    "return": "退回修改",
}


def _entry(actor: User, action: str, reason: str = "") -> dict[str, Any]:
    entry = {
        "action": action,
        "label": STEP_LABELS[action],
        "user": str(actor),
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    if reason:
        entry["reason"] = reason
    return entry


def _step(settlement: Settlement, actor: User, action: str, reason: str = "") -> list[dict[str, Any]]:
    return [*settlement.history, _entry(actor, action, reason)]


def _publish(settlement: Settlement, action: str) -> None:
    events.publish_on_commit(
        TOPIC,
        {"id": settlement.pk, "action": action, "state": settlement.status},
        region_code=settlement.provider_region_id,
    )


# ---------------------------------------------------------------- prepare


def _provider(actor: User, provider_id: int) -> Organisation:
    provider = (
        Organisation.objects.unscoped(reason="the settlement's provider, checked next")
        .filter(pk=provider_id)
        .first()
    )
    if provider is None:
        raise NotFound()
    if is_system(actor):
        return provider
    if not actor.has_perm("services.add_settlement"):
        raise PermissionDenied
    if actor.organisation_id != provider.pk and not actor.in_scope(provider.region_id):
        raise NotFound()
    return provider


def _draft(actor: User, provider: Organisation, month: dt.date) -> Settlement:
    rows = Settlement.objects.unscoped(reason="upsert by provider and month").select_for_update()
    found = rows.filter(provider=provider, month=month).first()
    if found is not None:
        return found
    district = provider.region_id[:6] + "000000"
    try:
        with transaction.atomic():
            Settlement.objects.create(
                provider=provider,
                month=month,
                region_id=district,
                provider_region_id=provider.region_id,
                prepared_by=actor,
                prepared_at=timezone.now(),
                history=[_entry(actor, "prepare")],
            )
    except IntegrityError:
        pass  # another request created it first: lock theirs
    return rows.get(provider=provider, month=month)


@transaction.atomic
def settlement_prepare(*, actor: User, provider_id: int, month: dt.date | str) -> Settlement:
    """Make or recompute the provider's draft for ``month``. Idempotent: repeating it recomputes the same
    figures and keeps the government's decisions. A submitted statement is returned, not recomputed; an
    approved month is locked. Audited as ``settlement.prepare``; pushed on ``services.settlement``."""
    first = month_parse(month)
    provider = _provider(actor, provider_id)
    settlement = _draft(actor, provider, first)
    if settlement.status == SettlementStatus.APPROVED:
        raise errors.SettlementLocked()
    if settlement.status != SettlementStatus.DRAFT:
        raise errors.InvalidSettlement(
            f"结算单已{settlement.get_status_display()}，须先退回才能重新生成",
            code="services.settlement_in_review",
        )
    _sync_exceptions(settlement, actor)
    _refresh_totals(settlement)
    settlement.prepared_by, settlement.prepared_at = actor, timezone.now()
    settlement.save(update_fields=["prepared_by", "prepared_at"])
    audit.record(
        actor=actor,
        action="settlement.prepare",
        obj=settlement,
        detail={"orders": settlement.orders, "exceptions": settlement.exceptions},
    )
    _publish(settlement, "prepare")
    return settlement


# ---------------------------------------------------------------- exceptions


def _money(value: object, label: str, field: str, *, code: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise errors.InvalidSettlement(
            f"{label}应为金额（元）", fields={field: "应为金额"}, code=code
        ) from None
    if not amount.is_finite() or abs(amount) >= Decimal("100000000"):
        raise errors.InvalidSettlement(f"{label}超出范围", fields={field: "超出范围"}, code=code)
    return amount


def _note(value: object, label: str, field: str, *, required: bool) -> str:
    if required and not str(value or "").strip():
        raise errors.InvalidSettlement(
            f"请填写{label}", fields={field: "必填"}, code="services.settlement_reason_required"
        )
    try:
        return text.clean_line(value, label=label, max_length=200, required=required)
    except text.TextError as exc:
        raise errors.InvalidSettlement(
            str(exc), fields={field: str(exc)}, code="services.settlement_bad_text"
        ) from exc


def _locked_settlement(pk: int) -> Settlement:
    return (
        Settlement.objects.unscoped(reason="the row the caller already found in scope")
        .select_for_update()
        .get(pk=pk)
    )


@transaction.atomic
def settlement_decide_exception(
    *, actor: User, exception_id: int, decision: str, cut_yuan: object = None, note: str = ""
) -> SettlementException:
    """The government's decision on one exception while the statement is a draft; the totals follow at once.
    Deciding again replaces the decision (until the statement is submitted). Audited, pushed."""
    if not actor.has_perm("services.decide_settlement"):
        raise PermissionDenied
    row = SettlementException.objects.for_user(actor).select_related("order").filter(pk=exception_id).first()
    if row is None:
        raise NotFound()
    settlement = _locked_settlement(row.settlement_id)
    if settlement.status == SettlementStatus.APPROVED:
        raise errors.SettlementLocked()
    if settlement.status != SettlementStatus.DRAFT:
        raise errors.InvalidSettlement(
            "结算单已提交，异常工单须在草稿状态处理（请先退回）", code="services.settlement_decide_not_draft"
        )
    if decision not in (ExceptionDecision.ALLOWED, ExceptionDecision.CUT, ExceptionDecision.REFUSED):
        raise errors.InvalidSettlement(
            "请选择处理结果：照付、核减或拒付",
            fields={"decision": "取值无效"},
            code="services.settlement_bad_decision",
        )
    cut = ZERO
    if decision == ExceptionDecision.CUT:
        cut = _money(cut_yuan, "核减金额", "cut_yuan", code="services.settlement_bad_cut")
        share = row.order.government_yuan
        if not ZERO < cut <= share:
            raise errors.InvalidSettlement(
                f"核减金额应大于 0 且不超过该工单的政府支付 {share} 元",
                fields={"cut_yuan": "超出范围"},
                code="services.settlement_cut_too_large",
            )
    why = _note(note, "处理说明", "note", required=decision != ExceptionDecision.ALLOWED)
    row = (
        SettlementException.objects.unscoped(reason="found in scope above").select_for_update().get(pk=row.pk)
    )
    row.decision, row.cut_yuan, row.note = decision, cut, why
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save(update_fields=["decision", "cut_yuan", "note", "decided_by", "decided_at"])
    _refresh_totals(settlement)
    audit.record(
        actor=actor,
        action="settlement.decide",
        obj=row,
        detail={"settlement": settlement.pk, "order": row.order_id, "decision": decision, "cut": str(cut)},
    )
    _publish(settlement, "decide")
    return row


# ---------------------------------------------------------------- the maker-checker path


def _maker_differs(user: User, s: Settlement) -> bool:
    return s.submitted_by_id != user.pk


def _checker_differs(user: User, s: Settlement) -> bool:
    return s.submitted_by_id != user.pk and s.checked_by_id != user.pk


def _nothing_pending(user: User, s: Settlement) -> bool:
    return (
        not SettlementException.objects.unscoped(reason=REASON)
        .filter(settlement_id=s.pk, decision=ExceptionDecision.PENDING)
        .exists()
    )


def _district(user: User, s: Settlement) -> bool:
    return user.in_scope(s.region_id)


def _same_person() -> Exception:
    return errors.InvalidSettlement(
        "提交、审核和批准须由不同的人完成（经办与复核分离）", code="services.settlement_same_person"
    )


_pending = workflows.Guard[Settlement](
    _nothing_pending,
    lambda: errors.InvalidSettlement(
        "还有待审的异常工单，政府处理后才能提交", code="services.settlement_exceptions_pending"
    ),
)
_not_district = workflows.Guard[Settlement](
    _district,
    lambda: errors.InvalidSettlement(
        "只有机构所在区（县）的民政部门可以批准结算单", code="services.settlement_not_district"
    ),
)

SETTLEMENT_WORKFLOW = workflows.Workflow[Settlement](
    model=Settlement,
    noun="结算单",
    states=dict(SettlementStatus.choices),
    state_field="status",
    error=errors.InvalidSettlement,
    topic=TOPIC,
    event_scope=lambda s: {"region_code": s.provider_region_id},
    transitions=(
        workflows.Transition(
            "submit",
            (SettlementStatus.DRAFT,),
            SettlementStatus.SUBMITTED,
            permission="services.submit_settlement",
            guards=(_pending,),
        ),
        workflows.Transition(
            "check",
            (SettlementStatus.SUBMITTED,),
            SettlementStatus.STREET_CHECKED,
            permission="services.check_settlement",
            guards=(workflows.Guard[Settlement](_maker_differs, _same_person),),
        ),
        workflows.Transition(
            "approve",
            (SettlementStatus.STREET_CHECKED,),
            SettlementStatus.APPROVED,
            permission="services.approve_settlement",
            who=(_not_district,),
            guards=(workflows.Guard[Settlement](_checker_differs, _same_person),),
        ),
        workflows.Transition(
            "return_submitted",
            (SettlementStatus.SUBMITTED,),
            SettlementStatus.DRAFT,
            permission="services.check_settlement",
            guards=(workflows.Guard[Settlement](_maker_differs, _same_person),),
        ),
        workflows.Transition(
            "return_checked",
            (SettlementStatus.STREET_CHECKED,),
            SettlementStatus.DRAFT,
            permission="services.approve_settlement",
            who=(_not_district,),
            guards=(workflows.Guard[Settlement](_maker_differs, _same_person),),
        ),
    ),
)


def _visible(actor: User, settlement_id: int) -> Settlement:
    """The settlement in the actor's scope (missing and foreign are one NotFound); a locked month refuses."""
    found = Settlement.objects.for_user(actor).filter(pk=settlement_id).first()
    if found is None:
        raise NotFound()
    if found.status == SettlementStatus.APPROVED:
        raise errors.SettlementLocked()
    return found


def _take(actor: User, settlement_id: int, action: str, changes: Callable[[Settlement], dict]) -> Settlement:
    t = SETTLEMENT_WORKFLOW.get(action)
    if not actor.has_perm(t.permission):
        raise PermissionDenied
    _visible(actor, settlement_id)
    settlement = workflows.transition(
        actor=actor, workflow=SETTLEMENT_WORKFLOW, obj_id=settlement_id, action=action, changes=changes
    )
    audit.record(
        actor=actor, action=f"settlement.{action}", obj=settlement, detail={"state": settlement.status}
    )
    return settlement


@transaction.atomic
def settlement_submit(*, actor: User, settlement_id: int) -> Settlement:
    """The provider manager (the maker) submits the draft, recomputed as of now; refused while any exception
    is pending."""
    if not actor.has_perm("services.submit_settlement"):
        raise PermissionDenied
    draft = _visible(actor, settlement_id)
    if draft.status == SettlementStatus.DRAFT:
        locked = _locked_settlement(draft.pk)
        _sync_exceptions(locked, actor)
        _refresh_totals(locked)
    now = timezone.now()
    return _take(
        actor,
        settlement_id,
        "submit",
        lambda s: {"submitted_by": actor, "submitted_at": now, "history": _step(s, actor, "submit")},
    )


@transaction.atomic
def settlement_check(*, actor: User, settlement_id: int) -> Settlement:
    """The street of the provider's registered region checks the submitted statement (not its maker)."""
    now = timezone.now()
    return _take(
        actor,
        settlement_id,
        "check",
        lambda s: {"checked_by": actor, "checked_at": now, "history": _step(s, actor, "check")},
    )


@transaction.atomic
def settlement_approve(*, actor: User, settlement_id: int) -> Settlement:
    """The district approves the checked statement (neither its maker nor its checker); the month locks."""
    now = timezone.now()
    return _take(
        actor,
        settlement_id,
        "approve",
        lambda s: {"approved_by": actor, "approved_at": now, "history": _step(s, actor, "approve")},
    )


@transaction.atomic
def settlement_return(*, actor: User, settlement_id: int, reason: str) -> Settlement:
    """Either check sends the statement back to draft (退回) with the reason; the provider corrects and
    submits again."""
    why = _note(reason, "退回原因", "reason", required=True)
    current = _visible(actor, settlement_id)
    action = "return_checked" if current.status == SettlementStatus.STREET_CHECKED else "return_submitted"
    now = timezone.now()
    return _take(
        actor,
        settlement_id,
        action,
        lambda s: {
            "returned_by": actor,
            "returned_at": now,
            "return_reason": why,
            "submitted_by": None,
            "submitted_at": None,
            "checked_by": None,
            "checked_at": None,
            "history": _step(s, actor, "return", why),
        },
    )


# ---------------------------------------------------------------- corrections to a locked month


@transaction.atomic
def settlement_adjust(
    *,
    actor: User,
    settlement_id: int,
    order_id: int,
    government_yuan: object,
    self_pay_yuan: object = 0,
    reason: str,
) -> SettlementAdjustment:
    """Correct an order of a locked month: the adjustment lands in the provider's next open (not approved)
    month's settlement, made as a draft when it does not exist yet; the locked month stays as approved."""
    if not actor.has_perm("services.adjust_settlement"):
        raise PermissionDenied
    locked = Settlement.objects.for_user(actor).filter(pk=settlement_id).first()
    if locked is None:
        raise NotFound()
    if locked.status != SettlementStatus.APPROVED:
        raise errors.InvalidSettlement(
            "该月尚未批准锁定，请直接在结算单中处理，无需调整", code="services.settlement_not_locked"
        )
    start, end = month_bounds(locked.month)
    order = (
        ServiceOrder.objects.unscoped(reason="an order of a settlement found in scope")
        .filter(
            pk=order_id, provider_id=locked.provider_id, scheduled_start__gte=start, scheduled_start__lt=end
        )
        .first()
    )
    if order is None:
        raise errors.InvalidSettlement(
            "该工单不属于这张结算单的机构和月份",
            fields={"order": "不属于该结算单"},
            code="services.settlement_foreign_order",
        )
    government = _money(
        government_yuan, "政府支付调整", "government_yuan", code="services.settlement_bad_government_delta"
    )
    self_pay = _money(
        self_pay_yuan or 0, "个人支付调整", "self_pay_yuan", code="services.settlement_bad_self_pay_delta"
    )
    if government == ZERO and self_pay == ZERO:
        raise errors.InvalidSettlement(
            "调整金额不能都为 0",
            fields={"government_yuan": "不能为 0"},
            code="services.settlement_zero_adjustment",
        )
    why = _note(reason, "调整原因", "reason", required=True)
    provider = Organisation.objects.unscoped(reason="the locked settlement's provider").get(
        pk=locked.provider_id
    )
    month = next_month(locked.month)
    for _ in range(MAX_MONTHS_AHEAD):
        target = _draft(actor, provider, month)
        if target.status != SettlementStatus.APPROVED:
            break
        month = next_month(month)
    else:  # pragma: no cover - two years of approved months ahead of today cannot happen
        raise errors.SettlementLocked()
    if target.status != SettlementStatus.DRAFT:
        raise errors.InvalidSettlement(
            f"{target.month:%Y年%m月}结算单正在审核中，请退回后再调整",
            code="services.settlement_next_in_review",
        )
    adjustment = SettlementAdjustment.objects.create(
        settlement=target,
        order=order,
        from_month=locked.month,
        provider_id=locked.provider_id,
        region_id=locked.region_id,
        provider_region_id=locked.provider_region_id,
        government_yuan=government,
        self_pay_yuan=self_pay,
        reason=why,
        created_by=actor,
    )
    _refresh_totals(target)
    audit.record(
        actor=actor,
        action="settlement.adjust",
        obj=adjustment,
        detail={"from": locked.pk, "into": target.pk, "government": str(government)},
    )
    _publish(target, "adjust")
    return adjustment


# ---------------------------------------------------------------- the statement


def settlement_statement_write(*, actor: User, settlement_id: int, handle: IO[bytes]) -> Settlement:
    """Write the statement (.xlsx) of a settlement in the actor's scope to ``handle`` and audit the download
    (``settlement.export``, with the row count; no personal data in the entry)."""
    from yanglao.services import selectors, statements

    settlement = selectors.settlement_get(user=actor, settlement_id=settlement_id)
    rows = statements.write(settlement, handle)
    with transaction.atomic():
        audit.record(actor=actor, action="settlement.export", obj=settlement, detail={"count": rows})
    return settlement
