"""Writes of the benefits module: policy versions, claims (申请 → 街道初审 → 区县审核), the month's batch
(编制 → 审批, maker-checker, then locked), corrections as later lines, recoveries and payee accounts.

Every function takes its actor first, checks the right and the target's scope, and runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.benefits import batching, rules
from yanglao.benefits.choices import (
    Applicant,
    ApplicationStatus,
    BatchStatus,
    Frequency,
    PolicyKind,
    RecoveryStatus,
)
from yanglao.benefits.errors import (
    BatchLocked,
    InvalidAccount,
    InvalidAdjustment,
    InvalidApplication,
    InvalidBatch,
    InvalidPolicy,
    InvalidRecovery,
)
from yanglao.benefits.models import (
    BatchFinding,
    BenefitAdjustment,
    BenefitApplication,
    BenefitPolicy,
    PayeeAccount,
    Payment,
    PaymentBatch,
    PaymentStop,
    Recovery,
)
from yanglao.core import audit, bulkwrite, divisions, months, text, workflows
from yanglao.core.crypto import blind_index
from yanglao.core.errors import NotFound
from yanglao.core.models import Region, User
from yanglao.core.scoping import ensure_in_scope
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder

TOPIC = "benefits.batch"


def is_system(actor: User) -> bool:
    return actor.username == audit.SYSTEM_USERNAME and not actor.is_active


def _note(value: Any, label: str, field: str, *, required: bool = False, limit: int = 300) -> str:
    try:
        return text.clean_line(value, label=label, required=required, max_length=limit)
    except text.TextError as exc:
        raise InvalidPolicy(str(exc), fields={field: str(exc)}, code="benefits.bad_text") from None


def month_parse(value: object) -> dt.date:
    """``YYYY-MM`` (or a date) → the month's first day."""
    parsed = months.parse(value)
    if parsed is None:
        raw = str(value or "").strip()
        message = f"发放月份应写作“年-月”，例如 2026-11（收到：{raw[:20] or '空'}）"
        raise InvalidBatch(message, fields={"month": message}, code="benefits.bad_month")
    return parsed


def _policy_region(actor: User, code: str) -> Region:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None or divisions.level_of(region.code) not in ("province", "city", "county"):
        message = "政策由区（县）或以上民政部门制定，请选择区（县）、市或省"
        raise InvalidPolicy(message, fields={"region": message}, code="benefits.policy_region_level")
    if not is_system(actor) and not actor.in_scope(region.code):
        raise NotFound()
    return region


# ---------------------------------------------------------------- policies


@transaction.atomic
def policy_save(
    *,
    actor: User,
    region_code: str,
    code: str,
    name: str,
    effective_from: dt.date,
    rule: Any,
    bands: Any,
    kind: str = PolicyKind.CASH,
    frequency: str = Frequency.MONTHLY,
    requires_application: bool = False,
    stacking_group: str = "",
    source: str = "",
    note: str = "",
) -> BenefitPolicy:
    """A policy's first version, or its next: the version in force before ends the day before. A month already
    paid under the earlier version in an approved batch cannot be re-ruled (the new version starts later)."""
    if not is_system(actor) and not actor.has_perm("benefits.manage_policy"):
        raise PermissionDenied
    region = _policy_region(actor, region_code)
    try:
        clean_rule, clean_bands = rules.clean_rule(rule), rules.clean_bands(bands)
    except rules.RuleError as exc:
        raise InvalidPolicy(str(exc), fields={"rule": str(exc)}, code="benefits.policy_rule") from None
    if kind not in PolicyKind.values or frequency not in Frequency.values:
        raise InvalidPolicy(
            "补贴类别或发放频次无效", fields={"kind": "取值无效"}, code="benefits.policy_choice"
        )
    code = str(code or "").strip()
    if not code or not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        message = "政策代码由字母、数字、下划线组成"
        raise InvalidPolicy(message, fields={"code": message}, code="benefits.policy_code")
    start = effective_from.replace(day=1) if isinstance(effective_from, dt.date) else None
    if start is None:
        raise InvalidPolicy("请填写生效日期", fields={"effective_from": "必填"}, code="benefits.policy_start")
    previous = (
        BenefitPolicy.objects.unscoped(reason="the versions of one policy")
        .select_for_update()
        .filter(region=region, code=code)
        .order_by("-version")
        .first()
    )
    if previous is not None:
        if start <= previous.effective_from:
            message = f"新版本须晚于上一版的生效月份（{previous.effective_from:%Y-%m}）"
            raise InvalidPolicy(message, fields={"effective_from": message}, code="benefits.policy_not_later")
        paid_after = Payment.objects.unscoped(reason="months paid under the earlier version").filter(
            policy=previous, month__gte=start, batch__status=BatchStatus.APPROVED
        )
        if paid_after.exists():
            message = "生效月份已按上一版审批发放，新版本只能从以后的月份生效"
            raise InvalidPolicy(
                message, fields={"effective_from": message}, code="benefits.policy_month_paid"
            )
        previous.effective_to = start - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
    policy = BenefitPolicy.objects.create(
        region=region,
        code=code,
        name=_note(name, "政策名称", "name", required=True, limit=60),
        kind=kind,
        version=(previous.version + 1) if previous else 1,
        effective_from=start,
        rule=clean_rule,
        bands=clean_bands,
        frequency=frequency,
        requires_application=bool(requires_application),
        stacking_group=_note(stacking_group, "不可叠加组", "stacking_group", limit=40),
        source=_note(source, "政策依据", "source", limit=200),
        note=_note(note, "说明", "note", limit=200),
        created_by=None if is_system(actor) else actor,
    )
    return policy


# ---------------------------------------------------------------- claims (申请 → 街道初审 → 区县审核)


def _street_level(user: User, app: BenefitApplication) -> bool:
    return user.is_superuser or any(
        app.region_id.startswith(r.code[:9]) for r in user.regions.all() if r.code[6:9] != "000"
    )


def _district_level(user: User, app: BenefitApplication) -> bool:
    return user.is_superuser or any(
        r.code[6:] == "000000" and app.region_id.startswith(r.code[:6]) for r in user.regions.all()
    )


_not_street = workflows.Guard[BenefitApplication](
    _street_level,
    lambda: InvalidApplication("初审由老人所在街道办理", code="benefits.application_not_street"),
)
_not_district = workflows.Guard[BenefitApplication](
    _district_level,
    lambda: InvalidApplication(
        "审核由老人所在区（县）民政部门办理", code="benefits.application_not_district"
    ),
)
APPLICATION_WORKFLOW = workflows.Workflow[BenefitApplication](
    model=BenefitApplication,
    noun="补贴申请",
    states=dict(ApplicationStatus.choices),
    state_field="status",
    error=InvalidApplication,
    transitions=(
        workflows.Transition(
            "street_pass",
            (ApplicationStatus.SUBMITTED,),
            ApplicationStatus.STREET_CHECKED,
            permission="benefits.check_benefitapplication",
            who=(_not_street,),
        ),
        workflows.Transition(
            "street_reject",
            (ApplicationStatus.SUBMITTED,),
            ApplicationStatus.REJECTED,
            permission="benefits.check_benefitapplication",
            who=(_not_street,),
        ),
        workflows.Transition(
            "district_pass",
            (ApplicationStatus.STREET_CHECKED,),
            ApplicationStatus.APPROVED,
            permission="benefits.approve_benefitapplication",
            who=(_not_district,),
        ),
        workflows.Transition(
            "district_reject",
            (ApplicationStatus.STREET_CHECKED,),
            ApplicationStatus.REJECTED,
            permission="benefits.approve_benefitapplication",
            who=(_not_district,),
        ),
        workflows.Transition(
            "end",
            (ApplicationStatus.APPROVED,),
            ApplicationStatus.ENDED,
            permission="benefits.approve_benefitapplication",
            who=(_not_district,),
        ),
    ),
)
ACTION_LABELS = {
    "submit": "受理申请",
    "street_pass": "街道初审通过",
    "street_reject": "街道初审不通过",
    "district_pass": "区县审核通过",
    "district_reject": "区县审核不通过",
    "end": "终止享受",
}
DOCUMENTS = ("身份证", "户口簿", "能力评估报告", "低保/低收入证明", "计生特殊家庭证明", "银行卡", "委托书")


def _step(history: list, actor: User, action: str, note: str = "") -> list:
    return workflows.history_step(history, actor, ACTION_LABELS[action], action=action, note=note)


@transaction.atomic
def application_submit(
    *,
    actor: User,
    elder_id: int,
    policy_code: str,
    applicant: str,
    applicant_name: str,
    documents: list[str] | None = None,
    reason: str = "",
) -> BenefitApplication:
    """The community (or the person or family through it) lodges a claim for a policy that needs one."""
    if not actor.has_perm("benefits.add_benefitapplication"):
        raise PermissionDenied
    elder = Elder.objects.for_user(actor, action="change").filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    if elder.status != ElderStatus.ACTIVE:
        raise InvalidApplication("老人不在册（死亡或迁出），不能申请", code="benefits.application_not_active")
    policy = batching.PolicyBook(elder.region_id).for_code_in_force(
        batching._district(elder.region_id), str(policy_code), timezone.localdate().replace(day=1)
    )
    if policy is None or not policy.requires_application:
        message = "该政策不在本区实施或无需申请（按登记信息自动发放）"
        raise InvalidApplication(
            message, fields={"policy_code": message}, code="benefits.application_no_policy"
        )
    if applicant not in Applicant.values:
        raise InvalidApplication(
            "请选择申请方式", fields={"applicant": "取值无效"}, code="benefits.applicant"
        )
    unknown = [d for d in documents or [] if d not in DOCUMENTS]
    if unknown:
        raise InvalidApplication("材料名称无效", fields={"documents": "取值无效"}, code="benefits.documents")
    try:
        who = text.clean_line(applicant_name, label="申请人", required=True, max_length=50)
        why = text.clean_line(reason, label="申请理由", required=False, max_length=300)
    except text.TextError as exc:
        raise InvalidApplication(
            str(exc), fields={"applicant_name": str(exc)}, code="benefits.application_text"
        ) from None
    try:
        with transaction.atomic():
            app = BenefitApplication.objects.create(
                elder=elder,
                region_id=elder.region_id,
                policy_code=policy.code,
                policy_name=policy.name,
                applicant=applicant,
                applicant_name=who,
                documents=list(documents or []),
                reason=why,
                submitted_by=actor,
                history=_step([], actor, "submit"),
            )
    except IntegrityError:
        raise InvalidApplication(
            "该老人已有同一政策的申请在办或已享受", code="benefits.application_duplicate"
        ) from None
    ensure_in_scope(app, actor, "change")
    return app


@transaction.atomic
def application_decide(
    *, actor: User, application_id: int, action: str, note: str = ""
) -> BenefitApplication:
    """One step of the claim: the street's first check, the district's review, or ending an approved one. A
    refusal needs its reason."""
    if action not in ACTION_LABELS or action == "submit":
        raise InvalidApplication("未知操作", code="benefits.application_action")
    try:
        opinion = text.clean_line(
            note, label="意见", required=action.endswith("reject") or action == "end", max_length=300
        )
    except text.TextError as exc:
        raise InvalidApplication(
            str(exc), fields={"note": str(exc)}, code="benefits.application_note"
        ) from None
    now = timezone.now()

    def changes(app: BenefitApplication) -> dict:
        out: dict[str, Any] = {"history": _step(app.history, actor, action, opinion)}
        if action.startswith("street"):
            out.update(street_by=actor, street_at=now, street_note=opinion)
        else:
            out.update(district_by=actor, district_at=now, district_note=opinion)
        return out

    app = workflows.transition(
        actor=actor, workflow=APPLICATION_WORKFLOW, obj_id=application_id, action=action, changes=changes
    )
    return app


# ---------------------------------------------------------------- batches


def _batch_region(actor: User, region_code: str) -> Region:
    region = Region.objects.filter(code=str(region_code or "").strip()).first()
    if region is None or divisions.level_of(region.code) not in ("province", "city", "county"):
        message = "发放批次按区（县）或以上区划编制"
        raise InvalidBatch(message, fields={"region": message}, code="benefits.batch_region_level")
    if not is_system(actor) and not actor.in_scope(region.code):
        raise NotFound()
    return region


def default_region() -> str:
    """The smallest division containing every registered person (the CLI's region when none is named)."""
    people = Elder.objects.unscoped(reason="the span of the registry").order_by("region")
    low = people.values_list("region", flat=True).first()
    high = people.order_by("-region").values_list("region", flat=True).first()
    if low is None or high is None:
        raise InvalidBatch("登记库中还没有老人", code="benefits.batch_no_people")
    for keep in (6, 4, 2):
        if low[:keep] == high[:keep]:
            return low[:keep].ljust(12, "0")
    raise InvalidBatch("登记库跨多个省份，请用 --region 指定区划", code="benefits.batch_many_provinces")


def _overlapping(region: Region, month: dt.date):
    above = divisions.ancestors_and_self(region.code)
    lo, hi = divisions.subtree_range(region.code)
    return (
        PaymentBatch.objects.unscoped(reason="batches that would pay the same people twice")
        .filter(month=month)
        .exclude(status=BatchStatus.CANCELLED)
        .filter(Q(region__in=above) | Q(region__gte=lo, region__lt=hi))
    )


def batch_preview(*, actor: User, month: object, region_code: str) -> dict:
    """The batch's figures without writing anything (the CLI's ``--dry-run``, the page's 试算)."""
    if not is_system(actor) and not actor.has_perm("benefits.prepare_paymentbatch"):
        raise PermissionDenied
    first = month_parse(month)
    region = _batch_region(actor, region_code)
    current = _overlapping(region, first).filter(region=region, status=BatchStatus.PREPARED).first()
    return batching.compute(
        month=first, region_code=region.code, batch_id=current.pk if current else None
    ).summary()


@transaction.atomic
def batch_prepare(*, actor: User, month: object, region_code: str) -> PaymentBatch:
    """Prepare (编制) the month's batch for a region, or prepare again a batch not yet approved: its lines,
    findings and stops are replaced; recoveries found are put on the ledger at once."""
    if not is_system(actor) and not actor.has_perm("benefits.prepare_paymentbatch"):
        raise PermissionDenied
    first = month_parse(month)
    if first > timezone.localdate().replace(day=1):
        message = "只能编制本月及以前月份的批次"
        raise InvalidBatch(message, fields={"month": message}, code="benefits.batch_future")
    region = _batch_region(actor, region_code)
    batch = None
    for other in _overlapping(region, first).select_for_update():
        if other.region_id == region.code and other.status == BatchStatus.PREPARED:
            batch = other
        elif other.region_id == region.code:
            raise BatchLocked()
        else:
            raise InvalidBatch(
                f"{other.month:%Y年%m月}已有覆盖相同人员的批次（{other.region_id}），不能重复编制",
                code="benefits.batch_overlap",
            )
    computed = batching.compute(month=first, region_code=region.code, batch_id=batch.pk if batch else None)
    summary = computed.summary()
    now = timezone.now()
    if batch is None:
        batch = PaymentBatch.objects.create(region=region, month=first, prepared_by=actor, prepared_at=now)
    else:
        Payment.objects.unscoped(reason="a prepared batch is redone").filter(batch=batch).delete()
        BatchFinding.objects.unscoped(reason="a prepared batch is redone").filter(batch=batch).delete()
        PaymentStop.objects.unscoped(reason="a prepared batch is redone").filter(batch=batch).delete()
        BenefitAdjustment.objects.unscoped(reason="a prepared batch is redone").filter(paid_in=batch).update(
            paid_in=None
        )
    _write(batch, computed)
    for key in ("payments", "people", "held", "stopped", "recoveries", "findings"):
        setattr(batch, key, summary[key])
    batch.total_yuan = Decimal(summary["total_yuan"])
    batch.held_yuan = Decimal(summary["held_yuan"])
    batch.recoveries_yuan = Decimal(summary["recoveries_yuan"])
    batch.by_policy = summary["by_policy"]
    batch.prepared_by, batch.prepared_at = actor, now
    batch.history = _batch_step(batch.history, actor, "prepare")
    batch.save()
    audit.record(
        actor=actor,
        action="benefits.batch_prepare",
        obj=batch,
        detail={
            k: summary[k] for k in ("month", "region", "payments", "total_yuan", "stopped", "recoveries")
        },
    )
    return batch


def _write(batch: PaymentBatch, computed: batching.Computed) -> None:
    policies = computed.policies
    bulkwrite.insert_rows(
        Payment._meta.db_table,
        [
            "batch_id",
            "elder_id",
            "region_code",
            "policy_id",
            "policy_code",
            "month",
            "kind",
            "amount",
            "band",
            "basis",
            "status",
        ],
        (
            (batch.pk, e, r, p, policies[p].code, m, k, a, band, basis, s)
            for e, r, p, m, k, a, band, basis, s, _adj in computed.lines
        ),
    )
    adjusted = [ln[9] for ln in computed.lines if ln[9] is not None]
    if adjusted:
        BenefitAdjustment.objects.unscoped(reason="adjustments paid in this batch").filter(
            pk__in=adjusted
        ).update(paid_in=batch)
    bulkwrite.insert_rows(
        BatchFinding._meta.db_table,
        ["batch_id", "elder_id", "region_code", "kind", "policy_code", "message"],
        ((batch.pk, e, r, k, c, msg[:300]) for e, r, k, c, msg in computed.findings),
    )
    bulkwrite.insert_rows(
        PaymentStop._meta.db_table,
        ["batch_id", "elder_id", "region_code", "policy_code", "reason", "message"],
        ((batch.pk, e, r, c, why, msg[:300]) for e, r, c, why, msg in computed.stops),
    )
    now = timezone.now()
    Recovery.objects.bulk_create(
        [
            Recovery(
                payment_id=pk,
                elder_id=e,
                region_id=r,
                policy_code=c,
                month=m,
                amount=a,
                reason=why[:300],
                found_in=batch,
                created_at=now,
            )
            for pk, e, r, c, m, a, why in computed.recoveries
        ],
        ignore_conflicts=True,
    )


BATCH_LABELS = {"prepare": "编制", "approve": "审批通过（锁定）", "cancel": "作废", "export": "导出代发文件"}


def _batch_step(history: list, actor: User, action: str, note: str = "") -> list:
    return workflows.history_step(history, actor, BATCH_LABELS[action], action=action, note=note)


def _maker_differs(user: User, batch: PaymentBatch) -> bool:
    return batch.prepared_by_id != user.pk


BATCH_WORKFLOW = workflows.Workflow[PaymentBatch](
    model=PaymentBatch,
    noun="发放批次",
    states=dict(BatchStatus.choices),
    state_field="status",
    error=InvalidBatch,
    topic=TOPIC,
    event_scope=lambda b: {"region_code": b.region_id},
    transitions=(
        workflows.Transition(
            "approve",
            (BatchStatus.PREPARED,),
            BatchStatus.APPROVED,
            permission="benefits.approve_paymentbatch",
            guards=(
                workflows.Guard[PaymentBatch](
                    _maker_differs,
                    lambda: InvalidBatch(
                        "编制和审批须由不同的人完成（经办与复核分离）", code="benefits.batch_same_person"
                    ),
                ),
            ),
            refusals={BatchStatus.APPROVED: "该批次已审批锁定", BatchStatus.CANCELLED: "该批次已作废"},
        ),
        workflows.Transition(
            "cancel",
            (BatchStatus.PREPARED,),
            BatchStatus.CANCELLED,
            permission="benefits.prepare_paymentbatch",
            refusals={BatchStatus.APPROVED: "该批次已审批锁定，不能作废；更正请在以后的批次中补发或扣减"},
        ),
    ),
)


@transaction.atomic
def batch_approve(*, actor: User, batch_id: int) -> PaymentBatch:
    """A second official approves (审批) the prepared batch; it is locked from then on."""
    now = timezone.now()
    batch = workflows.transition(
        actor=actor,
        workflow=BATCH_WORKFLOW,
        obj_id=batch_id,
        action="approve",
        changes=lambda b: {
            "approved_by": actor,
            "approved_at": now,
            "history": _batch_step(b.history, actor, "approve"),
        },
    )
    audit.record(
        actor=actor, action="benefits.batch_approve", obj=batch, detail={"total_yuan": str(batch.total_yuan)}
    )
    return batch


@transaction.atomic
def batch_cancel(*, actor: User, batch_id: int, reason: str) -> PaymentBatch:
    """A prepared batch is voided (作废) with a reason; its adjustments wait for the next batch again."""
    try:
        why = text.clean_line(reason, label="作废原因", required=True, max_length=200)
    except text.TextError as exc:
        raise InvalidBatch(
            str(exc), fields={"reason": str(exc)}, code="benefits.batch_cancel_reason"
        ) from None
    batch = workflows.transition(
        actor=actor,
        workflow=BATCH_WORKFLOW,
        obj_id=batch_id,
        action="cancel",
        changes=lambda b: {"history": _batch_step(b.history, actor, "cancel", why)},
    )
    BenefitAdjustment.objects.unscoped(reason="a voided batch frees its adjustments").filter(
        paid_in=batch
    ).update(paid_in=None)
    audit.record(actor=actor, action="benefits.batch_cancel", obj=batch, detail={"reason": why})
    return batch


def approved_batch(
    *, actor: User, batch_id: int, permission: str = "benefits.export_paymentbatch"
) -> PaymentBatch:
    """The approved batch whose payment file the actor may download (a prepared one has no file yet)."""
    if not actor.has_perm(permission):
        raise PermissionDenied
    batch = PaymentBatch.objects.for_user(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    if batch.status != BatchStatus.APPROVED:
        raise InvalidBatch("审批通过后才能导出银行代发文件", code="benefits.batch_not_approved")
    return batch


# ---------------------------------------------------------------- adjustments, recoveries, accounts


def _person(actor: User, elder_id: int, permission: str) -> Elder:
    if not actor.has_perm(permission):
        raise PermissionDenied
    elder = Elder.objects.for_user(actor, action="change").filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    return elder


@transaction.atomic
def adjustment_add(
    *, actor: User, elder_id: int, policy_code: str, month: object, amount: object, reason: str
) -> BenefitAdjustment:
    """A correction of a month already paid (补发 positive, 扣减 negative), paid in the next batch."""
    elder = _person(actor, elder_id, "benefits.add_benefitadjustment")
    first = month_parse(month)
    known = batching.PolicyBook(elder.region_id).for_code(
        batching._district(elder.region_id), str(policy_code), first
    )
    if known is None:
        message = "该补贴项目不在老人所在区实施"
        raise InvalidAdjustment(message, fields={"policy_code": message}, code="benefits.adjustment_policy")
    try:
        value = Decimal(str(amount).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or value == 0 or abs(value) > Decimal("100000"):
        message = "调整金额应为非零数字（补发为正，扣减为负），绝对值不超过 100000 元"
        raise InvalidAdjustment(message, fields={"amount": message}, code="benefits.adjustment_amount")
    paid = Payment.objects.unscoped(reason="the month being corrected").filter(
        elder=elder, policy_code=policy_code, month=first, batch__status=BatchStatus.APPROVED
    )
    if not paid.exists() and value < 0:
        message = "该月没有已审批的发放，不能扣减"
        raise InvalidAdjustment(message, fields={"month": message}, code="benefits.adjustment_nothing_paid")
    try:
        why = text.clean_line(reason, label="调整原因", required=True, max_length=300)
    except text.TextError as exc:
        raise InvalidAdjustment(
            str(exc), fields={"reason": str(exc)}, code="benefits.adjustment_reason"
        ) from None
    adjustment = BenefitAdjustment.objects.create(
        elder=elder,
        region_id=elder.region_id,
        policy_code=policy_code,
        month=first,
        amount=value,
        reason=why,
        created_by=actor,
    )
    ensure_in_scope(adjustment, actor, "add")
    return adjustment


@transaction.atomic
def recovery_settle(*, actor: User, recovery_id: int, status: str, note: str) -> Recovery:
    """Record a recovery as recovered (已追回) or written off (核销, with the reason)."""
    if not actor.has_perm("benefits.settle_recovery"):
        raise PermissionDenied
    found = (
        Recovery.objects.for_user(actor, action="change").select_for_update().filter(pk=recovery_id).first()
    )
    if found is None:
        raise NotFound()
    if found.status != RecoveryStatus.OPEN:
        raise InvalidRecovery("该追回记录已处理", code="benefits.recovery_settled")
    if status not in (RecoveryStatus.RECOVERED, RecoveryStatus.WAIVED):
        raise InvalidRecovery(
            "请选择处理结果", fields={"status": "取值无效"}, code="benefits.recovery_status"
        )
    try:
        why = text.clean_line(
            note, label="处理说明", required=status == RecoveryStatus.WAIVED, max_length=300
        )
    except text.TextError as exc:
        raise InvalidRecovery(str(exc), fields={"note": str(exc)}, code="benefits.recovery_note") from None
    found.status, found.settle_note = status, why
    found.settled_by, found.settled_at = actor, timezone.now()
    found.save(update_fields=["status", "settle_note", "settled_by", "settled_at"])
    return found


@transaction.atomic
def account_set(
    *,
    actor: User,
    elder_id: int,
    bank: str,
    account_number: str,
    holder_name: str,
    holder_relation: str = "本人",
) -> PayeeAccount:
    """Register or change the account a person's cash benefits are paid into."""
    elder = _person(actor, elder_id, "benefits.change_payeeaccount")
    number = "".join(str(account_number or "").split())
    if not number.isdigit() or not 8 <= len(number) <= 32:
        message = "银行账号应为 8 到 32 位数字"
        raise InvalidAccount(message, fields={"account_number": message}, code="benefits.account_number")
    try:
        bank_name = text.clean_line(bank, label="开户银行", required=True, max_length=40)
        holder = text.clean_line(holder_name, label="户名", required=True, max_length=50)
        relation = text.clean_line(holder_relation or "本人", label="与老人关系", max_length=10)
    except text.TextError as exc:
        raise InvalidAccount(str(exc), fields={"bank": str(exc)}, code="benefits.account_text") from None
    account = (
        PayeeAccount.objects.unscoped(reason="one account per person")
        .select_for_update()
        .filter(elder=elder)
        .first()
    )
    if account is None:
        account = PayeeAccount(elder=elder)
    account.region_id = elder.region_id
    account.bank, account.account_number, account.holder_name = bank_name, number, holder
    account.account_hash, account.account_last4 = blind_index(number), number[-4:]
    account.holder_relation, account.updated_by, account.updated_at = relation, actor, timezone.now()
    account.save()
    ensure_in_scope(account, actor, "change")
    return account


def follow_move(moves: list[tuple[int, str, str]]) -> None:
    """A person's account, live claims and open recoveries follow them to their new community."""
    for elder_id, _origin, target in moves:
        PayeeAccount.objects.unscoped(reason="records follow a move").filter(elder_id=elder_id).update(
            region_id=target
        )
        BenefitApplication.objects.unscoped(reason="records follow a move").filter(
            elder_id=elder_id,
            status__in=[
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.STREET_CHECKED,
                ApplicationStatus.APPROVED,
            ],
        ).update(region_id=target)
        Recovery.objects.unscoped(reason="records follow a move").filter(
            elder_id=elder_id, status=RecoveryStatus.OPEN
        ).update(region_id=target)
        BenefitAdjustment.objects.unscoped(reason="records follow a move").filter(
            elder_id=elder_id, paid_in__isnull=True
        ).update(region_id=target)


DEMO_POLICIES = Path(__file__).parent / "data" / "policies_beijing.json"


@transaction.atomic
def policies_load(
    *, actor: User, region_code: str, effective_from: dt.date, path: Path | str = DEMO_POLICIES
) -> list[BenefitPolicy]:
    """Put a file of policies (the demo's Beijing figures) on a region as versions from ``effective_from``,
    each labelled with the file's note so nobody takes them for the region's own."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    made = []
    for item in data["policies"]:
        made.append(
            policy_save(
                actor=actor,
                region_code=region_code,
                code=item["code"],
                name=item["name"],
                effective_from=effective_from,
                rule=item["rule"],
                bands=item["bands"],
                kind=item.get("kind", PolicyKind.CASH),
                frequency=item.get("frequency", Frequency.MONTHLY),
                requires_application=item.get("requires_application", False),
                stacking_group=item.get("stacking_group", ""),
                source=data.get("source_note", "")[:200],
                note=data.get("label", "")[:200],
            )
        )
    return made
