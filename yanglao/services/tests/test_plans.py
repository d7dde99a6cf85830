"""Recurring plans (周期服务计划): generation is idempotent, a death stops the plan, the allowance is never
exceeded (the rest is self-paid)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.people import services as people_services
from yanglao.people.models import Elder
from yanglao.services import services, slots
from yanglao.services.errors import InvalidOrder
from yanglao.services.models import MonthlyAllowance, ServiceOrder
from yanglao.services.tests.builders import entitle, offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(street_officer, person):
    user = factories.user(role="family", username="plan_daughter")
    people_services.family_link(
        actor=street_officer, elder_id=person.pk, username=user.username, relation="daughter"
    )
    return user


def _plan(daughter, person, sold, weekdays=(2, 5)):
    return services.plan_create(
        actor=daughter, elder_id=person.pk, offering_id=sold.pk, weekdays=weekdays, start_time=dt.time(9, 0)
    )


def _orders():
    return ServiceOrder.objects.unscoped(reason="test")


def test_generation_is_idempotent_and_falls_on_the_plans_days(daughter, person):
    sold = offering(code="SH-ZY", contract=None)
    plan = _plan(daughter, person, sold)
    first = services.plan_generate(days_ahead=14)
    assert first["placed"] in (
        3,
        4,
        5,
    )  # Tuesdays and Fridays in the next 14 days (today's 9:00 may have passed)
    again = services.plan_generate(days_ahead=14)
    assert again["placed"] == 0 and again["existing"] == first["placed"]
    orders = list(_orders().filter(plan=plan))
    assert len(orders) == first["placed"]
    assert {timezone.localtime(o.scheduled_start).isoweekday() for o in orders} <= {2, 5}
    assert all(timezone.localtime(o.scheduled_start).time() == dt.time(9, 0) for o in orders)
    assert {o.channel for o in orders} == {"plan"}


def test_death_stops_the_plan_with_reason(daughter, person):
    sold = offering(code="SH-ZY", contract=None)
    plan = _plan(daughter, person, sold)
    Elder.objects.unscoped(reason="test").filter(pk=person.pk).update(
        status="deceased", death_date=timezone.localdate()
    )
    stats = services.plan_generate(days_ahead=14)
    plan.refresh_from_db()
    assert stats["stopped"] == 1 and not plan.active and "死亡" in plan.stop_reason
    assert not _orders().exists()


def test_allowance_never_exceeded_rest_self_paid(daughter, person):
    entitle(hours="2")  # 2 hours a month; 助洁 is hourly, so two covered visits of 1 hour
    sold = offering(code="SH-ZJ", price=45, contract=38)
    _plan(daughter, person, sold, weekdays=(1, 2, 3, 4, 5, 6, 7))
    services.plan_generate(days_ahead=14)
    for allowance in MonthlyAllowance.objects.unscoped(reason="test"):
        assert allowance.hours_used <= allowance.hours_granted == Decimal("2")
    orders = list(_orders().order_by("scheduled_start"))
    assert sum(o.covered_units for o in orders) <= 4  # at most two months touched
    assert any(o.self_pay_yuan == Decimal("45.00") and o.government_yuan == 0 for o in orders)


def test_stop_and_bad_plans(daughter, person):
    sold = offering(code="SH-ZY", contract=None)
    with pytest.raises(InvalidOrder) as no_days:
        _plan(daughter, person, sold, weekdays=())
    assert no_days.value.code == "services.plan_weekdays"
    with pytest.raises(InvalidOrder) as late:
        services.plan_create(
            actor=daughter, elder_id=person.pk, offering_id=sold.pk, weekdays=[2], start_time=dt.time(20, 0)
        )
    assert late.value.code == "services.plan_time"
    plan = _plan(daughter, person, sold)
    services.plan_stop(actor=daughter, plan_id=plan.pk)
    assert services.plan_generate()["placed"] == 0


def test_command_runs(daughter, person, capsys):
    _plan(daughter, person, offering(code="SH-ZY", contract=None))
    call_command("plan_generate", "--days", "7")
    assert "周期服务计划" in capsys.readouterr().out


def test_plan_days_pure():
    days = list(
        slots.plan_days(
            [2, 5],
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 1, 10),
            start=dt.date(2025, 1, 1),
            days=14,
        )
    )
    assert days == [dt.date(2025, 1, 3), dt.date(2025, 1, 7), dt.date(2025, 1, 10)]
    assert len(slots.day_slots()) == 20 and slots.day_slots()[-1] == dt.time(17, 30)
