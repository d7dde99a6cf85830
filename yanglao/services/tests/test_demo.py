"""Demo orders: three months of visits with the breaches a district sees, consistent with the rules."""

import pytest
from django.db.models import Count, F, Q

from yanglao.core import demo
from yanglao.services.choices import OrderStatus
from yanglao.services.models import Caregiver, MonthlyAllowance, ServiceAlert, ServiceOrder

pytestmark = pytest.mark.django_db


def test_demo_orders_show_realistic_breaches_and_never_exceed_an_allowance():
    demo.run(scale=0.01, seed=2, steps=["service_orders"], log=lambda _: None)
    orders = ServiceOrder.objects.unscoped(reason="test")
    past = orders.filter(status__in=[OrderStatus.CONFIRMED, OrderStatus.RATED, OrderStatus.ABORTED])
    assert past.count() > 500
    alerts = ServiceAlert.objects.unscoped(reason="test")
    share = {row["kind"]: row["n"] / past.count() for row in alerts.values("kind").annotate(n=Count("id"))}
    assert 0.015 <= share["late"] <= 0.05 and 0.004 <= share["no_show"] <= 0.02
    assert 0.01 <= share["short"] <= 0.035
    # every alert is true of its order: a late one checked in late, a short one served too little
    late = alerts.filter(kind="late").select_related("order")
    assert all(a.order.checked_in_at > a.order.scheduled_start for a in late)
    assert not alerts.filter(kind="no_show").exclude(order__status=OrderStatus.ABORTED).exists()
    assert not orders.filter(status=OrderStatus.RATED, rating__isnull=True).exists()
    assert not orders.filter(
        Q(government_yuan__gt=0), ~Q(status=OrderStatus.CANCELLED), allowance__isnull=True
    ).exists()
    over = MonthlyAllowance.objects.unscoped(reason="test").filter(
        Q(hours_used__gt=F("hours_granted")) | Q(yuan_used__gt=F("yuan_granted"))
    )
    assert not over.exists()
    assert Caregiver.objects.unscoped(reason="test").filter(user__username="caregiver").exists()
    before = orders.count()
    demo.run(scale=0.01, seed=2, steps=["service_orders"], log=lambda _: None)
    assert orders.count() == before
