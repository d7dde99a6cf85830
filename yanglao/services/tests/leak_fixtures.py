"""Services' foreign rows for the leak walker: another street's provider with an offering, and that street's
own check-in rule (a district-level rule of 湖南路 must not show to 天平路 as its own)."""

from decimal import Decimal

from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.services.models import ServiceItem, ServiceOffering


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
