"""Reads of the benefits module, each through the actor's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from yanglao.benefits import batching, filters, rules
from yanglao.benefits.choices import (
    ApplicationStatus,
    BatchStatus,
    FindingKind,
    PaymentStatus,
    RecoveryStatus,
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
from yanglao.core import divisions, months
from yanglao.core.errors import NotFound
from yanglao.core.models import Region, User
from yanglao.people.models import Elder

PAGE = 20


def batches(*, user: User, region_code: str = "", status: str = "") -> list[PaymentBatch]:
    rows = PaymentBatch.objects.for_user(user).select_related("region", "prepared_by", "approved_by")
    if region_code:
        rows = rows.filter(region_id=region_code)
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-month", "region_id", "-pk")[:120])


def batch_get(*, user: User, batch_id: int) -> PaymentBatch:
    found = (
        PaymentBatch.objects.for_user(user)
        .select_related("region", "prepared_by", "approved_by")
        .filter(pk=batch_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def batch_regions(*, user: User) -> list[Region]:
    """The districts (and above) an official may prepare batches for: their own assigned regions at district
    level or above, and the districts under a city official's region."""
    codes: set[str] = set()
    for region in user.regions.all():
        level = divisions.level_of(region.code)
        if level in ("province", "city"):
            lo, hi = divisions.subtree_range(region.code)
            codes.update(
                Region.objects.filter(code__gte=lo, code__lt=hi, level="county").values_list(
                    "code", flat=True
                )
            )
            codes.add(region.code)
        elif level == "county":
            codes.add(region.code)
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def policy_names(*, user: User) -> dict[str, str]:
    """Code → name of the policies the user's regions are under or set (their latest versions), so pages
    never show a policy's code and never name another district's policies. Kept on the request's user, as
    ``scope_ranges`` is: a batch page names three lists."""
    cached = getattr(user, "_benefit_policy_names", None)
    if cached is None:
        cached = {p.code: p.name for p in sorted(policies(user=user), key=lambda p: p.version)}
        user._benefit_policy_names = cached
    return cached


def _named(rows: list, user: User) -> list:
    names = policy_names(user=user)
    for row in rows:
        row.policy_name = names.get(row.policy_code, "") if row.policy_code else ""
    return rows


def payment_sums(rows) -> dict:
    """Lines, people and yuan of a filtered list, to set beside the batch page's figures."""
    agg = rows.order_by().aggregate(n=Count("pk"), people=Count("elder", distinct=True), yuan=Sum("amount"))
    return {"n": agg["n"], "people": agg["people"], "yuan": agg["yuan"] or Decimal("0.00")}


def batch_findings(*, user: User, batch: PaymentBatch, kind: str = "", after: int = 0) -> list[BatchFinding]:
    rows = BatchFinding.objects.for_user(user).filter(batch=batch, pk__gt=after).select_related("elder")
    if kind:
        rows = rows.filter(kind=kind)
    return _named(list(rows.order_by("pk")[:PAGE]), user)


def batch_finding_counts(*, user: User, batch: PaymentBatch) -> list[tuple[str, str, int]]:
    labels = dict(FindingKind.choices)
    counted = (
        BatchFinding.objects.for_user(user)
        .filter(batch=batch)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    return [(row["kind"], labels.get(row["kind"], row["kind"]), row["n"]) for row in counted]


def batch_stops(*, user: User, batch: PaymentBatch, after: int = 0) -> list[PaymentStop]:
    return _named(
        list(
            PaymentStop.objects.for_user(user)
            .filter(batch=batch, pk__gt=after)
            .select_related("elder")
            .order_by("pk")[:PAGE]
        ),
        user,
    )


def batch_recoveries(*, user: User, batch: PaymentBatch) -> list[Recovery]:
    return _named(
        list(
            Recovery.objects.for_user(user)
            .filter(found_in=batch)
            .select_related("elder")
            .order_by("pk")[:PAGE]
        ),
        user,
    )


def batch_lines_for_file(*, batch: PaymentBatch):
    """The paid lines of an approved batch summed per person, with the account and identity in clear: only
    the bank's file reads this, after ``services.approved_batch`` checked the right and the scope."""
    paid = (
        Payment.objects.unscoped(reason="the bank's file of an approved batch the actor may export")
        .filter(batch=batch, status=PaymentStatus.PAY)
        .values("elder_id")
        .annotate(total=Sum("amount"))
        .order_by("elder_id")
    )
    names = {
        p.pk: p.name
        for p in BenefitPolicy.objects.unscoped(reason="policy names").filter(
            pk__in=Payment.objects.unscoped(reason="policies of the batch")
            .filter(batch=batch)
            .values("policy_id")
        )
    }
    policy_of: dict[int, set[str]] = {}
    for elder_id, policy_id in (
        Payment.objects.unscoped(reason="the bank's file")
        .filter(batch=batch, status=PaymentStatus.PAY)
        .values_list("elder_id", "policy_id")
    ):
        policy_of.setdefault(elder_id, set()).add(names.get(policy_id, ""))
    for chunk_start in range(0, 10**9, 2000):
        chunk = list(paid[chunk_start : chunk_start + 2000])
        if not chunk:
            break
        ids = [row["elder_id"] for row in chunk]
        accounts = {
            a.elder_id: a
            for a in PayeeAccount.objects.unscoped(reason="the bank's file").filter(elder_id__in=ids)
        }
        people = {
            e.pk: e
            for e in Elder.objects.unscoped(reason="the bank's file")
            .filter(pk__in=ids)
            .only("id_number", "name", "region")
        }
        for row in chunk:
            if row["total"] <= 0 or row["elder_id"] not in accounts:
                continue
            account, person = accounts[row["elder_id"]], people[row["elder_id"]]
            yield {
                "account": account.account_number,
                "holder": account.holder_name,
                "id_number": person.id_number,
                "name": person.name,
                "amount": f"{row['total']:.2f}",
                "month": f"{batch.month:%Y%m}",
                "policy": "、".join(sorted(policy_of.get(row["elder_id"], ()))),
                "region": person.region_id,
                "bank": account.bank,
            }


def policies(*, user: User, region_code: str = "") -> list[BenefitPolicy]:
    """Policies are public rules: every version of the regions above and within the user's own."""
    codes: set[str] = set()
    for region in user.regions.all():
        codes.update(divisions.ancestors_and_self(region.code))
    rows = BenefitPolicy.objects.unscoped(reason="policies are public rules").select_related("region")
    if not user.is_superuser:
        ranges = [divisions.subtree_range(r.code) for r in user.regions.all()]
        q = Q(region__in=codes)
        for lo, hi in ranges:
            q |= Q(region__gte=lo, region__lt=hi)
        rows = rows.filter(q)
    if region_code:
        rows = rows.filter(region_id=region_code)
    return list(rows.order_by("region_id", "code", "-version"))


def policy_get(*, user: User, policy_id: int) -> BenefitPolicy:
    found = next((p for p in policies(user=user) if p.pk == policy_id), None)
    if found is None:
        raise NotFound()
    return found


def own_policy_region(*, user: User, policy: BenefitPolicy) -> str | None:
    """Where the user's revision of ``policy`` goes: the policy's own region when it is theirs, else their
    district (or city) below it, whose own version then overrides it; None when they have neither."""
    if user.in_scope(policy.region_id):
        return policy.region_id
    for region in user.regions.all():
        if divisions.level_of(region.code) in ("city", "county") and divisions.contains(
            policy.region_id, region.code
        ):
            return region.code
    return None


def application_filterset(*, user: User, params=None) -> filters.ApplicationFilterSet:
    return filters.ApplicationFilterSet(params, user=user)


def payment_filterset(*, user: User, params=None) -> filters.PaymentFilterSet:
    return filters.PaymentFilterSet(params, user=user)


def recovery_filterset(*, user: User, params=None) -> filters.RecoveryFilterSet:
    return filters.RecoveryFilterSet(params, user=user)


def application_get(*, user: User, application_id: int) -> BenefitApplication:
    found = (
        BenefitApplication.objects.for_user(user)
        .select_related("elder", "region")
        .filter(pk=application_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def recovery_totals(*, user: User) -> dict:
    agg = (
        Recovery.objects.for_user(user)
        .filter(status=RecoveryStatus.OPEN)
        .aggregate(n=Count("pk"), yuan=Sum("amount"))
    )
    return {"n": agg["n"] or 0, "yuan": agg["yuan"] or Decimal("0.00")}


# ---------------------------------------------------------------- the person


def elder_get(*, user: User, elder_id: int, action: str = "view") -> Elder:
    found = Elder.objects.for_user(user, action=action).filter(pk=elder_id).first()
    if found is None:
        raise NotFound()
    return found


def family_people(*, user: User) -> list[Elder]:
    """The people a family account is linked to (its scope is its links)."""
    return list(Elder.objects.for_user(user).order_by("pk")[:10])


@dataclass(frozen=True)
class Entitlement:
    """One policy for the person this month: paid or not, the amount, and the rule's reading of the record."""

    policy: BenefitPolicy
    verdict: rules.Verdict
    claim: BenefitApplication | None

    @property
    def needs_claim(self) -> bool:
        return self.policy.requires_application and (
            self.claim is None or self.claim.status != ApplicationStatus.APPROVED
        )


def _person_record(elder: Elder, month: dt.date) -> rules.Person:
    from yanglao.facilities.choices import RESIDENTIAL_KINDS
    from yanglao.facilities.models import BedStay

    last = rules.month_end(month)
    inside = (
        BedStay.objects.unscoped(reason="the person's own stay, on their page")
        .filter(elder=elder, admitted_on__lte=last, bed__facility__kind__in=RESIDENTIAL_KINDS)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=last))
        .exists()
    )
    return rules.Person(
        birth_date=elder.birth_date,
        status=elder.status,
        status_date=elder.status_date,
        death_date=elder.death_date,
        economic_status=elder.economic_status,
        family_planning_special=elder.family_planning_special,
        local_hukou=elder.local_hukou,
        ability_instrument=elder.ability_instrument,
        ability_level=elder.ability_level,
        ability_valid_until=elder.ability_valid_until,
        in_institution=inside,
    )


def person_benefits(*, user: User, elder: Elder, today: dt.date | None = None) -> dict:
    """Everything the person page and the family's phone show: each policy with what it pays this month and
    why (the conditions met, or the first one not met), the next payment, the history, and the ledgers."""
    today = today or timezone.localdate()
    book = batching.PolicyBook(elder.region_id)
    district = batching._district(elder.region_id)
    last_paid = (
        PaymentBatch.objects.unscoped(reason="which months of the person's district are paid")
        .filter(region__in=divisions.ancestors_and_self(elder.region_id), status=BatchStatus.APPROVED)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    month = months.next_month(last_paid) if last_paid else today.replace(day=1)
    record = _person_record(elder, month)
    claims = {
        a.policy_code: a
        for a in BenefitApplication.objects.for_user(user).filter(elder=elder).order_by("submitted_at")
    }
    entitlements = sorted(
        (
            Entitlement(p, rules.decide(p.rule, p.bands, record, month), claims.get(p.code))
            for p in book.in_force(district, month)
        ),
        key=lambda e: (not e.verdict.paid, e.needs_claim),
    )
    payable = [e for e in entitlements if e.verdict.paid and not e.needs_claim]
    history = list(
        Payment.objects.for_user(user)
        .filter(elder=elder)
        .exclude(batch__status=BatchStatus.CANCELLED)
        .select_related("policy", "batch")
        .order_by("-month", "-pk")[:36]
    )
    account = PayeeAccount.objects.for_user(user).filter(elder=elder).first()
    return {
        "month": month,
        "entitlements": entitlements,
        "next_month": month,
        "next_total": sum((e.verdict.amount or Decimal(0) for e in payable), Decimal("0.00")),
        "history": history,
        "recoveries": list(Recovery.objects.for_user(user).filter(elder=elder).order_by("-month")),
        "adjustments": list(BenefitAdjustment.objects.for_user(user).filter(elder=elder)[:20]),
        "claims": list(claims.values()),
        "account": account,
        "stops": list(
            PaymentStop.objects.for_user(user)
            .filter(elder=elder, batch__status=BatchStatus.APPROVED)
            .order_by("-pk")[:10]
        ),
    }
