"""Benefits' foreign rows for the leak walker: a person of 湖南路 with a payee account, a claim, a line of a
district batch, a finding, a stop and a recovery; Changning's own policy and batch."""

import datetime as dt
from decimal import Decimal

from yanglao.benefits.models import (
    BatchFinding,
    BenefitApplication,
    BenefitPolicy,
    PayeeAccount,
    Payment,
    PaymentBatch,
    PaymentStop,
    Recovery,
)
from yanglao.core import audit
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories as people_factories

HUNAN = "310104004001"
CHANGNING = "310105000000"


@register
def benefits_foreign(foreign: Foreign, persona_kind: str) -> None:
    actor = audit.system_actor()
    month = dt.date(2026, 10, 1)
    policy = BenefitPolicy.objects.create(
        region_id=CHANGNING,
        code="leak_policy",
        name=f"{MARKER}长宁津贴",
        effective_from=dt.date(2026, 1, 1),
        rule={"min_age": 60},
        bands=[{"label": MARKER, "amount": "10.00"}],
    )
    foreign.add(pk=policy.pk, marker=policy.name, row=policy)
    batch = PaymentBatch.objects.create(
        region_id=CHANGNING,
        month=month,
        prepared_by=actor,
        by_policy=[{"code": "x", "name": MARKER, "people": 1, "total_yuan": "1"}],
    )
    foreign.add(pk=batch.pk, region=CHANGNING, row=batch)
    person = people_factories.elder(name=f"{MARKER}补贴对象", region_code=HUNAN)
    foreign.add(pk=person.pk, marker=person.name)
    account = PayeeAccount.objects.create(
        elder=person,
        region_id=HUNAN,
        bank="工行",
        account_number="6222000011112222",
        account_hash="leak",
        account_last4="2222",
        holder_name=f"{MARKER}户名",
    )
    foreign.add(pk=account.pk, marker=account.holder_name, row=account)
    app = BenefitApplication.objects.create(
        elder=person,
        region_id=HUNAN,
        policy_code="leak_policy",
        policy_name=f"{MARKER}申请",
        applicant="self",
        applicant_name=MARKER,
        submitted_by=actor,
    )
    foreign.add(pk=app.pk, marker=app.policy_name, row=app)
    xuhui = PaymentBatch.objects.create(region_id="310104000000", month=month, prepared_by=actor)
    foreign.add(pk=xuhui.pk, row=xuhui)
    line = Payment.objects.create(
        batch=xuhui,
        elder=person,
        region_id=HUNAN,
        policy=policy,
        policy_code="leak_policy",
        month=month,
        amount=Decimal("10.00"),
        band=MARKER,
        basis=f"{MARKER}依据",
    )
    foreign.add(pk=line.pk, marker=line.basis, row=line)
    finding = BatchFinding.objects.create(
        batch=xuhui, elder=person, region_id=HUNAN, kind="deceased", message=f"{MARKER}核查"
    )
    foreign.add(pk=finding.pk, marker=finding.message)
    stop = PaymentStop.objects.create(
        batch=xuhui,
        elder=person,
        region_id=HUNAN,
        policy_code="leak_policy",
        reason="lost",
        message=f"{MARKER}停发",
    )
    foreign.add(pk=stop.pk, marker=stop.message)
    recovery = Recovery.objects.create(
        elder=person,
        region_id=HUNAN,
        payment=line,
        policy_code="leak_policy",
        month=month,
        amount=Decimal("10.00"),
        reason=f"{MARKER}追回",
    )
    foreign.add(pk=recovery.pk, marker=recovery.reason, row=recovery)
