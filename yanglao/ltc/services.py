"""Writes of the LTC module: the scheme, applications (which start an ltc-2021 assessment), the level the
approved assessment gives, care plans (whose home visits a services plan places as orders), and the monthly
settlement per designated provider (the provider prepares, the district decides held visits and approves).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.assessment import services as assessment_services
from yanglao.assessment.models import Assessment
from yanglao.core import audit, bulkwrite, divisions, text, workflows
from yanglao.core.errors import NotFound
from yanglao.core.models import Organisation, Region, User
from yanglao.core.scoping import ensure_in_scope
from yanglao.ltc import scheme, settling
from yanglao.ltc.choices import (
    INSTITUTION_KINDS,
    PROVIDER_KINDS,
    CareSetting,
    ExtraChoice,
    IssueDecision,
    LtcApplicant,
    LtcSettlementStatus,
    LtcStatus,
    PlanStatus,
)
from yanglao.ltc.errors import (
    InvalidCarePlan,
    InvalidLtcApplication,
    InvalidLtcSettlement,
    LtcSettlementLocked,
)
from yanglao.ltc.models import (
    CarePlan,
    LtcApplication,
    LtcScheme,
    LtcSettlement,
    LtcSettlementLine,
    LtcVisitIssue,
)
from yanglao.people.choices import ElderStatus
from yanglao.people.models import Elder
from yanglao.services import services as services_services
from yanglao.services.choices import Channel
from yanglao.services.models import Caregiver, ServiceOffering
from yanglao.services.services.settlement import month_parse

INSTRUMENT = "ltc-2021"
DEMO_SCHEME = Path(__file__).parent / "data" / "scheme_shanghai.json"


def is_system(actor: User) -> bool:
    return actor.username == audit.SYSTEM_USERNAME and not actor.is_active


def _text(
    value: Any, label: str, field: str, *, required: bool = False, limit: int = 200, error=InvalidCarePlan
) -> str:
    try:
        return text.clean_line(value, label=label, required=required, max_length=limit)
    except text.TextError as exc:
        raise error(str(exc), fields={field: str(exc)}, code="ltc.bad_text") from None


def _step(history: list, actor: User | str, label: str, note: str = "") -> list:
    return workflows.history_step(history, actor, label, note=note)


def params_for(region_code: str, day: dt.date | None = None) -> dict:
    return settling.SchemeBook().params(region_code, day or timezone.localdate())


# ---------------------------------------------------------------- the scheme


@transaction.atomic
def scheme_load(*, region_code: str, effective_from: dt.date, path: Path | str = DEMO_SCHEME) -> LtcScheme:
    """Put a scheme file on a region from a date (the demo: Shanghai's art. 14 values and labelled defaults)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    params = scheme.clean(data["params"])
    row, _ = LtcScheme.objects.unscoped(reason="schemes are public rules").update_or_create(
        region_id=region_code,
        effective_from=effective_from,
        defaults={"params": params, "source": data["source"][:200]},
    )
    return row


# ---------------------------------------------------------------- applications


@transaction.atomic
def ltc_apply(
    *,
    actor: User,
    elder_id: int,
    applicant: str,
    applicant_name: str,
    setting: str = CareSetting.HOME,
    provider_id: int | None = None,
) -> LtcApplication:
    """Lodge a claim (by the person, the family or a designated provider, through the community) and ask for
    its ltc-2021 assessment at once."""
    if not actor.has_perm("ltc.add_ltcapplication"):
        raise PermissionDenied
    elder = Elder.objects.for_user(actor, action="change").filter(pk=elder_id).first()
    if elder is None:
        raise NotFound()
    if elder.status != ElderStatus.ACTIVE:
        raise InvalidLtcApplication("老人不在册（死亡或迁出），不能申请", code="ltc.application_not_active")
    if applicant not in LtcApplicant.values or setting not in CareSetting.values:
        raise InvalidLtcApplication(
            "请选择申请方式和照护方式", fields={"applicant": "取值无效"}, code="ltc.application_choice"
        )
    provider = None
    if applicant == LtcApplicant.PROVIDER:
        lo, hi = divisions.subtree_range(_district(elder.region_id))
        provider = (
            Organisation.objects.unscoped(reason="a designated provider named on a claim")
            .filter(pk=provider_id, region__gte=lo, region__lt=hi)
            .first()
        )
        if provider is None:
            message = "请选择代为申请的定点服务机构"
            raise InvalidLtcApplication(
                message, fields={"provider": message}, code="ltc.application_provider"
            )
    who = _text(
        applicant_name, "申请人", "applicant_name", required=True, limit=50, error=InvalidLtcApplication
    )
    try:
        with transaction.atomic():
            app = LtcApplication.objects.create(
                elder=elder,
                region_id=elder.region_id,
                applicant=applicant,
                applicant_name=who,
                provider=provider,
                setting=setting,
                submitted_by=actor,
                history=_step([], actor, "受理申请"),
            )
    except IntegrityError:
        raise InvalidLtcApplication(
            "该老人已有长护险申请在办或正在享受待遇", code="ltc.application_duplicate"
        ) from None
    assessment = assessment_services.assessment_request(
        actor=actor, elder_id=elder.pk, instrument=INSTRUMENT, reason="first", note="长护险申请"
    )
    app.assessment = assessment
    app.history = _step(app.history, actor, "已申请长护险需求评估（ltc-2021）")
    app.save(update_fields=["assessment", "history"])
    ensure_in_scope(app, actor, "add")
    return app


def on_assessment_approved(assessment: Assessment) -> None:
    """The approved ltc-2021 result gives the waiting application its care level and how long it holds; a
    level below the scheme's qualifying ones closes it as 未达享受等级."""
    if assessment.instrument != INSTRUMENT:
        return
    app = (
        LtcApplication.objects.unscoped(reason="the claim waiting for this assessment")
        .select_for_update()
        .filter(assessment=assessment, status=LtcStatus.ASSESSING)
        .first()
    )
    if app is None:
        return
    params = params_for(app.region_id)
    level = scheme.care_level(params, assessment.final_level)
    app.care_level = level
    app.valid_until = scheme.valid_until(params, timezone.localdate(), assessment.valid_until)
    app.status = LtcStatus.QUALIFIED if scheme.qualifies(params, level) else LtcStatus.NOT_QUALIFIED
    label = f"评估结果：照护{level}级（{assessment.level_name}），有效期至 {app.valid_until:%Y-%m-%d}"
    app.history = _step(app.history, "系统", label)
    app.save(update_fields=["care_level", "valid_until", "status", "history"])


# ---------------------------------------------------------------- care plans


def designated_offering(provider_id: int) -> ServiceOffering | None:
    """The provider's offering used for LTC home visits: its active hourly offering of the 长护险 item, else
    any active hourly one it sells (the visit is an hour of personal care)."""
    offerings = ServiceOffering.objects.unscoped(reason="a designated provider's offerings").filter(
        provider_id=provider_id, active=True, item__unit="hour"
    )
    return offerings.filter(item__code="LTC-JJ").first() or offerings.order_by("pk").first()


@transaction.atomic
def plan_create(
    *,
    actor: User,
    application_id: int,
    provider_id: int,
    caregiver_id: int | None = None,
    weekdays: list[int] | None = None,
    start_time: dt.time | None = None,
    extra_choice: str = "",
    starts_on: dt.date | None = None,
) -> CarePlan:
    """The care plan for a qualified claim: at home, the scheme's visits a week for the level on the chosen
    weekdays with the chosen caregiver (a services plan places the orders); in an institution, the daily
    rate. It runs until the level's validity ends."""
    if not actor.has_perm("ltc.add_careplan"):
        raise PermissionDenied
    app = (
        LtcApplication.objects.for_user(actor, action="change")
        .select_for_update()
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound()
    if app.status != LtcStatus.QUALIFIED or app.care_level is None or app.valid_until is None:
        raise InvalidCarePlan("该申请尚未评估为享受等级，或已有照护计划", code="ltc.plan_not_qualified")
    # A designated provider of the person's district: a home-care one is further checked by the services plan
    # (its offering must serve the person's community).
    lo, hi = divisions.subtree_range(_district(app.region_id))
    provider = (
        Organisation.objects.unscoped(reason="the designated provider chosen")
        .filter(pk=provider_id, region__gte=lo, region__lt=hi)
        .filter(kind__in=INSTITUTION_KINDS if app.setting == CareSetting.INSTITUTION else PROVIDER_KINDS)
        .first()
    )
    if provider is None:
        message = "请选择老人所在区（县）的定点服务机构"
        raise InvalidCarePlan(message, fields={"provider": message}, code="ltc.plan_provider")
    params = params_for(app.region_id)
    first = starts_on or timezone.localdate()
    if first > app.valid_until:
        raise InvalidCarePlan(
            "开始日期晚于评估结果有效期", fields={"starts_on": "日期无效"}, code="ltc.plan_start"
        )
    level = app.care_level
    plan = CarePlan(
        application=app,
        elder_id=app.elder_id,
        region_id=app.region_id,
        care_level=level,
        setting=app.setting,
        provider=provider,
        starts_on=first,
        ends_on=app.valid_until,
        created_by=actor,
    )
    if app.setting == CareSetting.INSTITUTION:
        plan.daily_yuan = Decimal(params["institution_daily_yuan"].get(str(level), "0"))
    else:
        care = scheme.home_care(params, level)
        days = sorted({int(d) for d in weekdays or []})
        if len(days) != care.visits_per_week or any(d not in range(1, 8) for d in days):
            message = (
                f"照护{level}级每周上门 {care.visits_per_week} 次，请选择 {care.visits_per_week} 个服务日"
            )
            raise InvalidCarePlan(message, fields={"weekdays": message}, code="ltc.plan_weekdays")
        if start_time is None:
            raise InvalidCarePlan("请选择上门时间", fields={"start_time": "必填"}, code="ltc.plan_time")
        wants_extra = level in params["extra_levels"]
        if extra_choice not in ExtraChoice.values or (extra_choice and not wants_extra):
            raise InvalidCarePlan(
                "只有照护5、6级居家的老人可选择额外服务时间或现金补助", code="ltc.plan_extra"
            )
        offering = designated_offering(provider.pk)
        if offering is None:
            raise InvalidCarePlan(
                "该机构没有可用于长护险居家照护的按小时服务项目",
                fields={"provider": "不可选"},
                code="ltc.plan_no_offering",
            )
        service_plan = services_services.plan_create(
            actor=actor,
            elder_id=app.elder_id,
            offering_id=offering.pk,
            weekdays=days,
            start_time=start_time,
            quantity=Decimal(care.minutes) / 60,
            starts_on=first,
            ends_on=app.valid_until,
            channel=Channel.LTC,
            caregiver_id=caregiver_id,
        )
        plan.caregiver = (
            Caregiver.objects.unscoped(reason="the plan's caregiver").filter(pk=caregiver_id).first()
        )
        plan.visits_per_week, plan.minutes_per_visit = care.visits_per_week, care.minutes
        plan.weekdays, plan.start_time, plan.extra_choice = days, start_time, extra_choice
        plan.hourly_yuan = offering.contracted_price or Decimal(params["home_hourly_yuan"])
        plan.service_plan = service_plan
    plan.save()
    app.status = LtcStatus.IN_CARE
    app.history = _step(app.history, actor, f"制定照护计划：{plan.get_setting_display()}，{provider.name}")
    app.save(update_fields=["status", "history"])
    ensure_in_scope(plan, actor, "add")
    audit.record(
        actor=actor, action="ltc.plan_create", obj=plan, detail={"level": level, "setting": plan.setting}
    )
    return plan


@transaction.atomic
def plan_end(*, actor: User, plan_id: int, reason: str, on: dt.date | None = None) -> CarePlan:
    if not actor.has_perm("ltc.change_careplan"):
        raise PermissionDenied
    plan = CarePlan.objects.for_user(actor, action="change").select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    why = _text(reason, "终止原因", "reason", required=True)
    if plan.status == PlanStatus.ENDED:
        return plan
    day = on or timezone.localdate()
    plan.status, plan.end_reason, plan.ends_on = (
        PlanStatus.ENDED,
        why,
        max(plan.starts_on, min(day, plan.ends_on)),
    )
    plan.save(update_fields=["status", "end_reason", "ends_on"])
    if plan.service_plan_id:
        services_services.plan_stop(
            actor=actor, plan_id=plan.service_plan_id, reason=f"长护险照护计划终止：{why}"
        )
    LtcApplication.objects.unscoped(reason="the plan's own claim").filter(pk=plan.application_id).update(
        status=LtcStatus.ENDED
    )
    return plan


# ---------------------------------------------------------------- settlement


def _district(code: str) -> str:
    return code[:6].ljust(12, "0")


def _write_lines(settlement: LtcSettlement, lines: list[settling.Line], issues: list[tuple]) -> None:
    LtcSettlementLine.objects.unscoped(reason="a draft is recomputed").filter(settlement=settlement).delete()
    bulkwrite.insert_rows(
        LtcSettlementLine._meta.db_table,
        [
            "settlement_id",
            "plan_id",
            "elder_id",
            "region_code",
            "provider_id",
            "setting",
            "care_level",
            "planned_visits",
            "delivered_visits",
            "missed_visits",
            "short_visits",
            "hours",
            "days",
            "total_yuan",
            "fund_yuan",
            "personal_yuan",
            "held_yuan",
            "cash_yuan",
        ],
        (
            (
                settlement.pk,
                ln.plan,
                ln.elder,
                ln.region,
                ln.provider,
                ln.setting,
                ln.level,
                ln.planned,
                ln.delivered,
                ln.missed,
                ln.short,
                (Decimal(ln.minutes) / 60).quantize(scheme.CENT),
                ln.days,
                ln.total,
                ln.fund,
                ln.personal,
                ln.held,
                ln.cash,
            )
            for ln in lines
        ),
    )
    existing = set(
        LtcVisitIssue.objects.unscoped(reason="a draft's held visits")
        .filter(settlement=settlement)
        .values_list("order_id", flat=True)
    )
    fresh = [i for i in issues if i[0] not in existing]
    LtcVisitIssue.objects.bulk_create(
        [
            LtcVisitIssue(
                settlement=settlement,
                order_id=o,
                plan_id=p,
                region_id=r,
                provider_id=prov,
                planned_minutes=pm,
                served_minutes=sm,
            )
            for o, p, r, prov, pm, sm in fresh
        ],
        batch_size=2000,
    )
    gone = existing - {i[0] for i in issues}
    if gone:
        LtcVisitIssue.objects.unscoped(reason="a draft's held visits").filter(
            settlement=settlement, order_id__in=gone
        ).delete()


def _totals(settlement: LtcSettlement, lines: list[settling.Line]) -> None:
    settlement.plans = len(lines)
    settlement.people_home = len(
        {ln.elder for ln in lines if ln.setting == CareSetting.HOME and ln.delivered}
    )
    settlement.people_institution = len(
        {ln.elder for ln in lines if ln.setting == CareSetting.INSTITUTION and ln.days}
    )
    for name, attr in (
        ("planned_visits", "planned"),
        ("delivered_visits", "delivered"),
        ("missed_visits", "missed"),
        ("short_visits", "short"),
        ("days", "days"),
    ):
        setattr(settlement, name, sum(getattr(ln, attr) for ln in lines))
    settlement.hours = (Decimal(sum(ln.minutes for ln in lines)) / 60).quantize(scheme.CENT)
    for name, attr in (
        ("total_yuan", "total"),
        ("fund_yuan", "fund"),
        ("personal_yuan", "personal"),
        ("held_yuan", "held"),
        ("cash_yuan", "cash"),
    ):
        setattr(settlement, name, sum((getattr(ln, attr) for ln in lines), Decimal("0.00")))


def _decisions(settlement: LtcSettlement | None) -> dict[int, str]:
    if settlement is None or settlement.pk is None:
        return {}
    return dict(
        LtcVisitIssue.objects.unscoped(reason="decisions already taken")
        .filter(settlement=settlement)
        .values_list("order_id", "decision")
    )


def _provider_for(actor: User, provider_id: int | None) -> Organisation:
    if is_system(actor):
        found = (
            Organisation.objects.unscoped(reason="the system settles every provider")
            .filter(pk=provider_id)
            .first()
        )
    elif actor.organisation_id and (provider_id is None or provider_id == actor.organisation_id):
        found = actor.organisation
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def settlement_prepare(*, actor: User, month: object, provider_id: int | None = None) -> LtcSettlement:
    """The provider's statement of a month (or the system's, for the CLI), recomputed while it is a draft."""
    if not is_system(actor) and not actor.has_perm("ltc.add_ltcsettlement"):
        raise PermissionDenied
    first = month_parse(month)
    provider = _provider_for(actor, provider_id)
    settlement = (
        LtcSettlement.objects.unscoped(reason="one statement per provider and month")
        .select_for_update()
        .filter(provider=provider, month=first)
        .first()
    )
    if settlement is not None and settlement.status == LtcSettlementStatus.APPROVED:
        raise LtcSettlementLocked()
    if settlement is None:
        settlement = LtcSettlement.objects.create(
            provider=provider,
            month=first,
            region_id=_district(provider.region_id),
            provider_region_id=provider.region_id,
            prepared_by=actor,
        )
    worked = settling.compute(month=first, provider_ids=[provider.pk], decisions=_decisions(settlement))
    lines, issues = worked.lines.get(provider.pk, []), worked.issues.get(provider.pk, [])
    _write_lines(settlement, lines, issues)
    _totals(settlement, lines)
    settlement.prepared_by, settlement.prepared_at = actor, timezone.now()
    settlement.history = _step(settlement.history, actor, "生成结算单")
    settlement.save()
    return settlement


def settle_all(*, month: object, region_code: str = "") -> list[LtcSettlement]:
    """Every designated provider's draft for the month in one pass (the CLI and the benchmark); approved
    months are left as they are."""
    first = month_parse(month)
    actor = audit.system_actor()
    worked = settling.compute(month=first, decisions=None)
    providers = dict(
        Organisation.objects.unscoped(reason="the system settles every provider")
        .filter(pk__in=list(worked.lines))
        .values_list("pk", "region_id")
    )
    out = []
    for provider_id, lines in worked.lines.items():
        region = providers[provider_id]
        if region_code and not divisions.contains(region_code, region):
            continue
        with transaction.atomic():
            settlement, _ = LtcSettlement.objects.unscoped(
                reason="one statement per provider and month"
            ).get_or_create(
                provider_id=provider_id,
                month=first,
                defaults={"region_id": _district(region), "provider_region_id": region, "prepared_by": actor},
            )
            if settlement.status == LtcSettlementStatus.APPROVED:
                out.append(settlement)
                continue
            decided = _decisions(settlement)
            if any(v != IssueDecision.PENDING for v in decided.values()):
                again = settling.compute(month=first, provider_ids=[provider_id], decisions=decided)
                lines, issues = again.lines.get(provider_id, []), again.issues.get(provider_id, [])
            else:
                issues = worked.issues.get(provider_id, [])
            _write_lines(settlement, lines, issues)
            _totals(settlement, lines)
            settlement.prepared_by, settlement.prepared_at = actor, timezone.now()
            settlement.save()
        out.append(settlement)
    return out


def _same_person(user: User, s: LtcSettlement) -> bool:
    return s.prepared_by_id != user.pk


def _nothing_pending(user: User, s: LtcSettlement) -> bool:
    return (
        not LtcVisitIssue.objects.unscoped(reason="the statement's held visits")
        .filter(settlement=s, decision=IssueDecision.PENDING)
        .exists()
    )


SETTLEMENT_WORKFLOW = workflows.Workflow[LtcSettlement](
    model=LtcSettlement,
    noun="长护险结算单",
    states=dict(LtcSettlementStatus.choices),
    state_field="status",
    error=InvalidLtcSettlement,
    transitions=(
        workflows.Transition(
            "approve",
            (LtcSettlementStatus.DRAFT,),
            LtcSettlementStatus.APPROVED,
            permission="ltc.approve_ltcsettlement",
            guards=(
                workflows.Guard[LtcSettlement](
                    _same_person,
                    lambda: InvalidLtcSettlement(
                        "生成和审核须由不同的人完成", code="ltc.settlement_same_person"
                    ),
                ),
                workflows.Guard[LtcSettlement](
                    _nothing_pending,
                    lambda: InvalidLtcSettlement(
                        "还有待处理的时长不足服务，处理后才能审核", code="ltc.settlement_pending"
                    ),
                ),
            ),
            refusals={LtcSettlementStatus.APPROVED: "该结算单已审核锁定"},
        ),
    ),
)


@transaction.atomic
def settlement_decide(*, actor: User, issue_id: int, decision: str, note: str = "") -> LtcVisitIssue:
    """The district decides a held visit (照付, 按实际时长支付, 拒付); the draft's figures follow at once."""
    if not actor.has_perm("ltc.approve_ltcsettlement"):
        raise PermissionDenied
    issue = (
        LtcVisitIssue.objects.for_user(actor, action="view").select_for_update().filter(pk=issue_id).first()
    )
    if issue is None:
        raise NotFound()
    settlement = (
        LtcSettlement.objects.unscoped(reason="the issue's statement")
        .select_for_update()
        .get(pk=issue.settlement_id)
    )
    if not actor.in_scope(settlement.region_id):
        raise NotFound()
    if settlement.status == LtcSettlementStatus.APPROVED:
        raise LtcSettlementLocked()
    if decision not in (IssueDecision.PAY, IssueDecision.ACTUAL, IssueDecision.REFUSE):
        raise InvalidLtcSettlement(
            "请选择处理结果", fields={"decision": "取值无效"}, code="ltc.issue_decision"
        )
    issue.decision, issue.note = decision, _text(note, "处理说明", "note", error=InvalidLtcSettlement)
    issue.decided_by, issue.decided_at = actor, timezone.now()
    issue.save(update_fields=["decision", "note", "decided_by", "decided_at"])
    worked = settling.compute(
        month=settlement.month, provider_ids=[settlement.provider_id], decisions=_decisions(settlement)
    )
    lines = worked.lines.get(settlement.provider_id, [])
    _write_lines(settlement, lines, worked.issues.get(settlement.provider_id, []))
    _totals(settlement, lines)
    settlement.save()
    return issue


@transaction.atomic
def settlement_approve(*, actor: User, settlement_id: int) -> LtcSettlement:
    """The district approves (neither the preparer nor with held visits pending); the month locks."""
    now = timezone.now()

    def changes(s: LtcSettlement) -> dict:
        if not actor.in_scope(s.region_id):
            raise NotFound()
        return {
            "approved_by": actor,
            "approved_at": now,
            "history": _step(s.history, actor, "审核通过（锁定）"),
        }

    settlement = workflows.transition(
        actor=actor, workflow=SETTLEMENT_WORKFLOW, obj_id=settlement_id, action="approve", changes=changes
    )
    audit.record(
        actor=actor,
        action="ltc.settlement_approve",
        obj=settlement,
        detail={"fund_yuan": str(settlement.fund_yuan)},
    )
    return settlement


def region_for(code: str) -> Region:
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found
