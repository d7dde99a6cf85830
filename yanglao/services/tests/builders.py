"""Builders the services tests share: an offering, a list that entitles people living alone, an order."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.core.testing.contracts import unique_name
from yanglao.services import services
from yanglao.services.models import BasicServiceList, BasicServiceListRow, ServiceItem, ServiceOffering


def offering(region="310104003001", *, code="SH-ZJ", price=45, contract=38, areas=("310104003000",)):
    provider = factories.organisation(region_code=region, name=unique_name("居"), kind="home_service")
    offering = ServiceOffering.objects.create(
        provider=provider,
        region_id=region,
        item=ServiceItem.objects.get(code=code),
        price=Decimal(price),
        government_purchased=contract is not None,
        contracted_price=Decimal(contract) if contract is not None else None,
    )
    offering.areas.set(areas)
    return offering


def entitle(hours="4"):
    """The district's list gives everyone living alone 4 hours a month."""
    service_list = BasicServiceList.objects.create(
        region_id="310104000000", title="徐汇区清单（测试）", effective_from=dt.date(2020, 1, 1)
    )
    BasicServiceListRow.objects.create(
        service_list=service_list,
        position=1,
        category="care",
        name="居家照护",
        target_groups=["living_alone"],
        monthly_hours=Decimal(hours),
        payer="government",
    )


def tomorrow(hour=9):
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def place(actor, person, offering, key, quantity=1, start=None):
    return services.order_place(
        actor=actor,
        client_key=key,
        elder_id=person.pk,
        offering_id=offering.pk,
        scheduled_start=start or tomorrow(),
        quantity=quantity,
    )
