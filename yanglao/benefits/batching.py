"""The month's payment batch worked out: who is paid what under which policy version, what is held and
why, who stopped since last month, and what was paid after a death or a move found late.

One pass over the region's people (their eligibility columns only, streamed), the pure ``rules.decide``
per person and policy, and set lookups for the rest (claims, accounts, institution stays, lines paid in
other regions' batches): a million people under five policies in well under a minute (bench/benefits.py).
Writing the lines is one COPY (``core.bulkwrite``). Nothing here checks rights: ``services`` does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import TruncMonth

from yanglao.benefits import rules
from yanglao.benefits.choices import (
    ApplicationStatus,
    BatchStatus,
    FindingKind,
    PaymentKind,
    PaymentStatus,
    PolicyKind,
    StopReason,
)
from yanglao.benefits.models import (
    BenefitAdjustment,
    BenefitApplication,
    BenefitPolicy,
    PayeeAccount,
    Payment,
)
from yanglao.core import divisions, months
from yanglao.facilities.choices import RESIDENTIAL_KINDS
from yanglao.facilities.models import BedStay
from yanglao.people.choices import ElderStatus, TransferStatus
from yanglao.people.models import Elder, ElderTransfer

REASON = "the monthly benefit batch covers every person of its region"
ZERO = Decimal("0.00")
PERSON_COLUMNS = (
    "pk",
    "region_id",
    "birth_date",
    "status",
    "status_date",
    "death_date",
    "economic_status",
    "family_planning_special",
    "local_hukou",
    "ability_instrument",
    "ability_level",
    "ability_valid_until",
)


@dataclass
class Computed:
    """A batch before it is written: lines as (elder, region, policy, month, kind, amount, band, basis,
    status, adjustment id) tuples, findings as (elder, region, kind, policy code, message)."""

    month: dt.date
    region_code: str
    lines: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)
    stops: list[tuple] = field(default_factory=list)  # (elder, region, code, reason, message)
    recoveries: list[tuple] = field(
        default_factory=list
    )  # (payment id, elder, region, code, month, amount, why)
    policies: dict[int, BenefitPolicy] = field(default_factory=dict)

    def summary(self) -> dict:
        paid = [ln for ln in self.lines if ln[8] == PaymentStatus.PAY]
        by_code: dict[str, tuple[set[int], Decimal]] = {}
        names = {p.code: p.name for p in self.policies.values()}
        for ln in paid:
            code = self.policies[ln[2]].code
            people, total = by_code.get(code, (set(), ZERO))
            people.add(ln[0])
            by_code[code] = (people, total + ln[5])
        held = [ln for ln in self.lines if ln[8] == PaymentStatus.HELD]
        return {
            "month": f"{self.month:%Y-%m}",
            "region": self.region_code,
            "payments": len(paid),
            "people": len({ln[0] for ln in paid}),
            "total_yuan": str(sum((ln[5] for ln in paid), ZERO)),
            "by_policy": [
                {"code": code, "name": names[code], "people": len(people), "total_yuan": str(total)}
                for code, (people, total) in sorted(by_code.items())
            ],
            "held": len(held),
            "held_yuan": str(sum((ln[5] for ln in held), ZERO)),
            "stopped": len(self.stops),
            "recoveries": len(self.recoveries),
            "recoveries_yuan": str(sum((r[5] for r in self.recoveries), ZERO)),
            "findings": len(self.findings),
        }


class PolicyBook:
    """The policy versions in force for a district and month: of each code, the version of the nearest
    region above the district (a district's own overrides its city's) effective on the month's last day."""

    def __init__(self, region_code: str):
        lo, hi = divisions.subtree_range(region_code)
        above = divisions.ancestors_and_self(region_code)
        self.versions = list(
            BenefitPolicy.objects.unscoped(reason="policies are public rules")
            .filter(Q(region__in=above) | Q(region__gte=lo, region__lt=hi))
            .order_by("code", "effective_from")
        )
        self._cache: dict[tuple[str, dt.date], list[BenefitPolicy]] = {}

    def in_force(self, district: str, month: dt.date) -> list[BenefitPolicy]:
        key = (district, month)
        if key not in self._cache:
            last = rules.month_end(month)
            chain = divisions.ancestors_and_self(district)
            best: dict[str, tuple[int, BenefitPolicy]] = {}
            for p in self.versions:
                if p.region_id not in chain or p.effective_from > last:
                    continue
                if p.effective_to is not None and p.effective_to < last:
                    continue
                depth = -chain.index(p.region_id)  # nearer regions come first in the chain
                if p.code not in best or (depth, p.effective_from) > (
                    best[p.code][0],
                    best[p.code][1].effective_from,
                ):
                    best[p.code] = (depth, p)
            self._cache[key] = [best[c][1] for c in sorted(best)]
        return self._cache[key]

    def for_code(self, district: str, code: str, month: dt.date) -> BenefitPolicy | None:
        found = [p for p in self.in_force(district, month) if p.code == code]
        if found:
            return found[0]
        chain = divisions.ancestors_and_self(district)
        fallback = [p for p in self.versions if p.code == code and p.region_id in chain]
        return fallback[-1] if fallback else None

    def paying(self, district: str, month: dt.date) -> list[tuple[BenefitPolicy, dt.date]]:
        """(version, month paid for) pairs a batch for ``month`` pays in ``district``: a quarterly or yearly
        policy pays its period's months, each by the version then in force, in the period's last month."""
        out = []
        for policy in self.in_force(district, month):
            for m in rules.months_of_period(month, policy.frequency):
                version = policy if m == month else self.for_code_in_force(district, policy.code, m)
                if version is not None:
                    out.append((version, m))
        return out

    def for_code_in_force(self, district: str, code: str, month: dt.date) -> BenefitPolicy | None:
        found = [p for p in self.in_force(district, month) if p.code == code]
        return found[0] if found else None


def _district(code: str) -> str:
    return code[:6].ljust(12, "0")


def _in_range(field_name: str, lo: str, hi: str) -> Q:
    return Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})


def compute(*, month: dt.date, region_code: str, batch_id: int | None = None) -> Computed:
    """Work the batch out without writing anything (``batch_id``: the prepared batch being redone, whose own
    lines do not count as paid elsewhere)."""
    out = Computed(month=month, region_code=region_code)
    lo, hi = divisions.subtree_range(region_code)
    last = rules.month_end(month)
    book = PolicyBook(region_code)
    earliest = min([month, *(m for p in book.versions for m in rules.months_of_period(month, p.frequency))])

    people = (
        Elder.objects.unscoped(reason=REASON)
        .filter(_in_range("region", lo, hi))
        .filter(
            Q(status=ElderStatus.ACTIVE)
            | Q(status=ElderStatus.DECEASED, death_date__gte=earliest)
            | Q(status=ElderStatus.MOVED_OUT, status_date__gt=rules.month_end(earliest))
        )
        .order_by()
        .values_list(*PERSON_COLUMNS)
    )
    residents = set(
        BedStay.objects.unscoped(reason=REASON)
        .filter(
            _in_range("elder__region", lo, hi),
            admitted_on__lte=last,
            bed__facility__kind__in=RESIDENTIAL_KINDS,
        )
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=last))
        .values_list("elder_id", flat=True)
    )
    claims = set(
        BenefitApplication.objects.unscoped(reason=REASON)
        .filter(_in_range("region", lo, hi), status=ApplicationStatus.APPROVED)
        .values_list("elder_id", "policy_code")
    )
    accounts = dict(
        PayeeAccount.objects.unscoped(reason=REASON)
        .filter(_in_range("region", lo, hi))
        .values_list("elder_id", "account_hash")
    )
    elsewhere = set(
        Payment.objects.unscoped(reason=REASON)
        .filter(_in_range("elder__region", lo, hi), month__gte=earliest, month__lte=month)
        .filter(kind=PaymentKind.REGULAR, status=PaymentStatus.PAY)
        .exclude(batch__status=BatchStatus.CANCELLED)
        .exclude(batch_id=batch_id)
        .values_list("elder_id", "policy_code", "month")
    )
    moving = set(
        ElderTransfer.objects.unscoped(reason=REASON)
        .filter(_in_range("from_region", lo, hi), status=TransferStatus.PENDING)
        .values_list("elder_id", flat=True)
    )

    account_users: dict[str, int] = {}
    shared: set[str] = set()
    paying_cache: dict[str, list[tuple[BenefitPolicy, dt.date]]] = {}
    lines, findings = out.lines, out.findings
    for row in people.iterator(chunk_size=20000):
        pid, region = row[0], row[1]
        district = _district(region)
        paying = paying_cache.get(district)
        if paying is None:
            paying = paying_cache[district] = book.paying(district, month)
            for policy, _m in paying:
                out.policies[policy.pk] = policy
        if not paying:
            continue
        person = rules.Person(*row[2:], in_institution=pid in residents)
        mine: list[tuple[BenefitPolicy, dt.date, rules.Verdict]] = []
        for policy, m in paying:
            if policy.requires_application and (pid, policy.code) not in claims:
                continue
            verdict = rules.decide(policy.rule, policy.bands, person, m)
            if verdict.paid:
                mine.append((policy, m, verdict))
            elif verdict.excluded_as_resident and m == month:
                findings.append(
                    (
                        pid,
                        region,
                        FindingKind.INSTITUTION,
                        policy.code,
                        f"{policy.name}：入住养老机构，本政策不予发放",
                    )
                )
        if not mine:
            continue
        totals: dict[str, Decimal] = defaultdict(Decimal)
        groups: dict[str, str] = {}
        for policy, _m, verdict in mine:
            totals[policy.code] += verdict.amount or ZERO
            groups[policy.code] = policy.stacking_group
        _kept, held_codes = rules.resolve_stacking([(c, groups[c], t) for c, t in totals.items()])
        account = accounts.get(pid)
        for code in sorted(held_codes):
            findings.append(
                (
                    pid,
                    region,
                    FindingKind.NOT_STACKING,
                    code,
                    "与同组政策不可叠加，已按较高标准发放，本项暂缓",
                )
            )
        no_account = False
        for policy, m, verdict in mine:
            status = PaymentStatus.PAY
            if policy.code in held_codes:
                status = PaymentStatus.HELD
            elif (pid, policy.code, m) in elsewhere:
                status = PaymentStatus.HELD
                findings.append(
                    (
                        pid,
                        region,
                        FindingKind.DUPLICATE_ID,
                        policy.code,
                        f"{m:%Y年%m月}已在其他区域的批次中发放，本批暂缓",
                    )
                )
            elif policy.kind == PolicyKind.CASH and account is None:
                status = PaymentStatus.HELD
                no_account = True
            basis = "；".join(verdict.met)[:300]
            lines.append(
                (
                    pid,
                    region,
                    policy.pk,
                    m,
                    PaymentKind.REGULAR,
                    verdict.amount,
                    verdict.band,
                    basis,
                    status,
                    None,
                )
            )
        if no_account:
            findings.append((pid, region, FindingKind.NO_ACCOUNT, "", "未登记发放账户，现金补贴暂缓发放"))
        if person.status == ElderStatus.DECEASED:
            findings.append(
                (
                    pid,
                    region,
                    FindingKind.DECEASED,
                    "",
                    f"已于 {person.death_date:%Y-%m-%d} 死亡：发放至死亡当月，下月起停发",
                )
            )
        if pid in moving:
            findings.append(
                (pid, region, FindingKind.TWO_REGIONS, "", "迁出待接收：接收前由本区域发放，请核对对方区域")
            )
        if account is not None and not no_account:
            first = account_users.setdefault(account, pid)
            if first != pid:
                shared.add(account)

    if shared:
        owners: dict[int, str] = {}
        for pid, hashed in accounts.items():
            if hashed in shared:
                owners[pid] = hashed
        regions = {ln[0]: ln[1] for ln in lines if ln[0] in owners}
        for pid in sorted(regions):
            findings.append(
                (pid, regions[pid], FindingKind.SHARED_ACCOUNT, "", "发放账户与其他老人相同，请核实是否代领")
            )

    _adjustments(out, book, lo, hi, accounts, batch_id)
    _stops(out, book, lo, hi)
    _recoveries(out, lo, hi)
    return out


def _adjustments(
    out: Computed, book: PolicyBook, lo: str, hi: str, accounts: dict, batch_id: int | None
) -> None:
    """Open corrections of people of the region become lines; a deduction larger than what the person is paid
    this batch is held with a finding rather than turned into a negative transfer."""
    pending = (
        BenefitAdjustment.objects.unscoped(reason=REASON)
        .filter(_in_range("region", lo, hi))
        .filter(Q(paid_in__isnull=True) | Q(paid_in_id=batch_id) if batch_id else Q(paid_in__isnull=True))
        .order_by("pk")
    )
    net: dict[int, Decimal] = defaultdict(Decimal)
    for ln in out.lines:
        if ln[8] == PaymentStatus.PAY:
            net[ln[0]] += ln[5]
    for adj in pending:
        policy = book.for_code(_district(adj.region_id), adj.policy_code, adj.month)
        if policy is None:
            out.findings.append(
                (
                    adj.elder_id,
                    adj.region_id,
                    FindingKind.NEGATIVE,
                    adj.policy_code,
                    "调整所属政策不存在，暂缓",
                )
            )
            continue
        out.policies[policy.pk] = policy
        status = PaymentStatus.PAY
        if adj.elder_id not in accounts and policy.kind == PolicyKind.CASH:
            status = PaymentStatus.HELD
        elif net[adj.elder_id] + adj.amount < 0:
            status = PaymentStatus.HELD
            out.findings.append(
                (
                    adj.elder_id,
                    adj.region_id,
                    FindingKind.NEGATIVE,
                    adj.policy_code,
                    f"扣减 {-adj.amount} 元超过本批应发，暂缓",
                )
            )
        else:
            net[adj.elder_id] += adj.amount
        basis = f"{adj.month:%Y年%m月}{'补发' if adj.amount > 0 else '扣减'}：{adj.reason}"[:300]
        out.lines.append(
            (
                adj.elder_id,
                adj.region_id,
                policy.pk,
                adj.month,
                PaymentKind.ADJUSTMENT,
                adj.amount,
                "",
                basis,
                status,
                adj.pk,
            )
        )


def _stops(out: Computed, book: PolicyBook, lo: str, hi: str) -> None:
    """Who was paid under a monthly policy last month and is not in this batch, and why."""
    before = months.previous_month(out.month)
    now = {
        (ln[0], out.policies[ln[2]].code)
        for ln in out.lines
        if ln[4] == PaymentKind.REGULAR and ln[3] == out.month
    }
    last = set(
        Payment.objects.unscoped(reason=REASON)
        .filter(_in_range("region", lo, hi), month=before, kind=PaymentKind.REGULAR, status=PaymentStatus.PAY)
        .filter(batch__status=BatchStatus.APPROVED)
        .values_list("elder_id", "policy_code")
    )
    gone = sorted(last - now)
    if not gone:
        return
    ids = sorted({pid for pid, _ in gone})
    records = {}
    for i in range(0, len(ids), 900):
        for row in (
            Elder.objects.unscoped(reason=REASON).filter(pk__in=ids[i : i + 900]).values_list(*PERSON_COLUMNS)
        ):
            records[row[0]] = row
    for pid, code in gone:
        row = records[pid]
        region = row[1]
        person = rules.Person(*row[2:])
        if not (lo <= region < hi):
            out.stops.append((pid, region, code, StopReason.MOVED, "已迁往其他区域，由迁入地发放"))
            continue
        policy = book.for_code_in_force(_district(region), code, out.month)
        if policy is None or policy.frequency != "monthly":
            continue
        if person.status == ElderStatus.DECEASED:
            out.stops.append((pid, region, code, StopReason.DEATH, f"已于 {person.death_date:%Y-%m-%d} 死亡"))
        elif person.status == ElderStatus.MOVED_OUT:
            out.stops.append(
                (pid, region, code, StopReason.MOVED, f"已于 {person.status_date:%Y-%m-%d} 迁出")
            )
        else:
            verdict = rules.decide(policy.rule, policy.bands, person, out.month)
            why = verdict.why if not verdict.paid else "申请已终止或未获批准"
            out.stops.append((pid, region, code, StopReason.LOST, why))


def _recoveries(out: Computed, lo: str, hi: str) -> None:
    """Lines of approved batches paid for a month after the person's death month, or for a month at whose
    end they had moved away, not yet on a recovery ledger: found late, recovered now."""
    base = (
        Payment.objects.unscoped(reason=REASON)
        .filter(Q(_in_range("region", lo, hi)) | Q(_in_range("elder__region", lo, hi)))
        .filter(batch__status=BatchStatus.APPROVED, status=PaymentStatus.PAY, recovery__isnull=True)
    )
    dead = base.filter(elder__status=ElderStatus.DECEASED, month__gt=F("elder__death_date"))
    moved = base.filter(elder__status=ElderStatus.MOVED_OUT).filter(
        month__gte=TruncMonth("elder__status_date")
    )
    for query, what in ((dead, "死亡"), (moved, "迁出")):
        for pk, elder, region, code, m, amount, when in query.values_list(
            "pk",
            "elder_id",
            "elder__region_id",
            "policy_code",
            "month",
            "amount",
            "elder__death_date" if what == "死亡" else "elder__status_date",
        ):
            if amount <= 0:
                continue
            why = f"{when:%Y-%m-%d}{what}后发放的 {m:%Y年%m月} 补贴（死亡、迁出信息晚于发放取得）"
            out.recoveries.append((pk, elder, region, code, m, amount, why))
