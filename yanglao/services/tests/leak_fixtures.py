"""Services' foreign rows for the leak walker: another street's provider with an offering, and an order for a
person of that street."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories as people_factories
from yanglao.services.models import ServiceItem, ServiceOffering, ServiceOrder


@register
def services_foreign(foreign: Foreign, persona_kind: str) -> None:
    provider = factories.organisation(region_code="310104004001", name=f"{MARKER}服务社", kind="home_service")
    foreign.add(pk=provider.pk, marker=provider.name)
    offering = ServiceOffering.objects.create(
        provider=provider,
        region_id=provider.region_id,
        item=ServiceItem.objects.get(code="SH-ZY"),
        price=Decimal("99.00"),
    )
    offering.areas.set([provider.region])
    foreign.add(pk=offering.pk)
    resident = people_factories.elder(name=f"{MARKER}服务对象", region_code="310104004001")
    foreign.add(pk=resident.pk, marker=resident.name)
    start = timezone.now() + dt.timedelta(days=1)
    order = ServiceOrder.objects.create(
        client_key=f"leak-{persona_kind}-{offering.pk}",
        elder=resident,
        region_id=resident.region_id,
        provider=provider,
        offering=offering,
        item=offering.item,
        quantity=1,
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        unit_price=offering.price,
        self_pay_yuan=offering.price,
        status="approved",
        channel="advisor",
        placed_by=factories.user(
            role="gov_admin", regions=["310104000000"], username=f"leak_placer_{persona_kind}"
        ),
    )
    foreign.add(pk=order.pk)
