"""Builders the settlement tests share: a provider with a manager, orders of a month with chosen figures."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.services.models import ServiceAlert, ServiceOrder
from yanglao.services.tests.builders import offering

MONTH = dt.date(2026, 3, 1)
_keys = itertools.count(1)


def provider_with_manager(region="310104003001", name=None):
    sold = offering(region)
    if name:
        sold.provider.name = name
        sold.provider.save(update_fields=["name"])
    manager = factories.user(role="provider", organisation=sold.provider, username=f"manager_{next(_keys)}")
    return sold, manager


def order(sold, person, *, status="confirmed", gov="30.00", own="15.00", day=MONTH, hour=9):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return ServiceOrder.objects.create(
        client_key=f"settle-{next(_keys):06d}",
        elder=person,
        region_id=person.region_id,
        provider=sold.provider,
        offering=sold,
        item=sold.item,
        quantity=Decimal(1),
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        unit_price=sold.price,
        government_yuan=Decimal(gov),
        self_pay_yuan=Decimal(own),
        status=status,
        channel="advisor",
        placed_by=_placer(),
    )


def _placer():
    from yanglao.core.models import User

    return User.objects.filter(is_active=True).order_by("pk").first()


def alert(o, kind="late", message="迟到 25 分钟"):
    return ServiceAlert.objects.create(
        order=o,
        provider=o.provider,
        region_id=o.region_id,
        kind=kind,
        message=message,
        raised_at=o.scheduled_start,
    )
