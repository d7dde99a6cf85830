"""The benefits lists under the kit's list contract (core.testing.contracts): claims, batch lines and the
recovery ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yanglao.benefits import services
from yanglao.benefits.models import BenefitPolicy, Payment, PaymentBatch, Recovery
from yanglao.benefits.tests.builders import XUHUI, policies
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people.services import elder_set_ability
from yanglao.people.tests import factories

MONTH = dt.date(2026, 10, 1)


def _policies() -> None:
    if not BenefitPolicy.objects.unscoped(reason="test").filter(region_id=XUHUI).exists():
        policies()


def _lines(actor, names: list[str], region_code: str) -> list[Payment]:
    _policies()
    policy = BenefitPolicy.objects.unscoped(reason="test").get(region_id=XUHUI, code="oldest_old_allowance")
    batch, _ = PaymentBatch.objects.unscoped(reason="test").get_or_create(
        region_id=XUHUI, month=MONTH, defaults={"prepared_by": actor}
    )
    out = []
    for name in names:
        elder = factories.elder(actor=actor, name=name, region_code=region_code)
        out.append(
            Payment.objects.create(
                batch=batch,
                elder=elder,
                region_id=region_code,
                policy=policy,
                policy_code=policy.code,
                month=MONTH,
                amount=Decimal("100.00"),
                band="80至89周岁",
                basis="月末年满 80 周岁",
            )
        )
    return out


class TestApplicationList(ListContract):
    url = "/benefits/applications/"
    api_url = "/api/v1/benefit-applications"
    export_url = "/benefits/applications/export/"
    permission = "benefits.view_benefitapplication"
    max_queries = 12

    def make(self, n: int, region_code: str) -> list[str]:
        _policies()
        names = [unique_name("周") for _ in range(n)]
        for name in names:
            elder = factories.elder(actor=self.actor, name=name, region_code=region_code)
            elder_set_ability(
                elder_id=elder.pk,
                level=3,
                name="重度失能",
                instrument="gbt42195-2022",
                valid_until=dt.date(2030, 1, 1),
            )
            services.application_submit(
                actor=self.actor,
                elder_id=elder.pk,
                policy_code="disability_care_subsidy",
                applicant="family",
                applicant_name="家属",
            )
        return names


class TestPaymentList(ListContract):
    url = "/benefits/payments/"
    api_url = "/api/v1/benefit-payments"
    export_url = "/benefits/payments/export/"
    permission = "benefits.view_payment"
    max_queries = 12

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("吴") for _ in range(n)]
        _lines(self.actor, names, region_code)
        return names


class TestRecoveryList(ListContract):
    url = "/benefits/recoveries/"
    api_url = "/api/v1/benefit-recoveries"
    export_url = "/benefits/recoveries/export/"
    permission = "benefits.view_recovery"
    max_queries = 12

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("郑") for _ in range(n)]
        for line in _lines(self.actor, names, region_code):
            Recovery.objects.create(
                elder_id=line.elder_id,
                region_id=region_code,
                payment=line,
                policy_code=line.policy_code,
                month=MONTH,
                amount=line.amount,
                reason="死亡后发放",
            )
        return names
