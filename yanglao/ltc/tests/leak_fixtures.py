"""LTC's foreign rows for the leak walker: a claim, a care plan and a statement of 湖南路's person and a
provider registered there."""

import datetime as dt
from decimal import Decimal

from yanglao.core import audit
from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.ltc.models import CarePlan, LtcApplication, LtcSettlement, LtcSettlementLine
from yanglao.people.tests import factories as people_factories

HUNAN = "310104004001"


@register
def ltc_foreign(foreign: Foreign, persona_kind: str) -> None:
    actor = audit.system_actor()
    person = people_factories.elder(name=f"{MARKER}长护对象", region_code=HUNAN)
    foreign.add(pk=person.pk, marker=person.name)
    provider = factories.organisation(region_code=HUNAN, name=f"{MARKER}长护机构", kind="home_service")
    foreign.add(pk=provider.pk, marker=provider.name)
    app = LtcApplication.objects.create(
        elder=person,
        region_id=HUNAN,
        applicant="self",
        applicant_name=f"{MARKER}申请人",
        submitted_by=actor,
        status="qualified",
        care_level=4,
        valid_until=dt.date(2027, 12, 31),
    )
    foreign.add(pk=app.pk, marker=app.applicant_name, row=app)
    plan = CarePlan.objects.create(
        application=app,
        elder=person,
        region_id=HUNAN,
        care_level=4,
        setting="institution",
        provider=provider,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        created_by=actor,
        end_reason=MARKER,
    )
    foreign.add(pk=plan.pk, row=plan)
    settlement = LtcSettlement.objects.create(
        provider=provider,
        month=dt.date(2026, 10, 1),
        region_id="310104000000",
        provider_region_id=HUNAN,
        prepared_by=actor,
        total_yuan=Decimal("4242.42"),
    )
    foreign.add(pk=settlement.pk, marker="4242.42", row=settlement)
    line = LtcSettlementLine.objects.create(
        settlement=settlement,
        plan=plan,
        elder=person,
        region_id=HUNAN,
        provider=provider,
        setting="institution",
        care_level=4,
    )
    foreign.add(pk=line.pk, row=line)
