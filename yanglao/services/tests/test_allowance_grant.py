"""The daily allowance grant: each entitled, active person gets the month's row from the lists in force;
people the lists give nothing, people who died or moved, and other districts get none; a second run and a
row an order made first are left as they are; the month's first order then only spends the granted row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yanglao.people.models import Elder
from yanglao.people.tests import factories as people_factories
from yanglao.services import services, tasks
from yanglao.services.models import MonthlyAllowance
from yanglao.services.tests import builders as b

pytestmark = pytest.mark.django_db


def rows(month):
    found = MonthlyAllowance.objects.unscoped(reason="test").filter(month=month)
    return {a.elder_id: (a.hours_granted, a.hours_used) for a in found}


def test_the_entitled_get_their_month_and_nobody_else(street_officer):
    b.entitle("4")
    alone = people_factories.elder(actor=street_officer, name="独居甲", living_arrangement="alone")
    family = people_factories.elder(actor=street_officer, name="同住乙", living_arrangement="with_children")
    gone = people_factories.elder(actor=street_officer, name="迁出丙", living_arrangement="alone")
    Elder.objects.unscoped(reason="test").filter(pk=gone.pk).update(status="moved_out")
    elsewhere = people_factories.elder(name="长宁丁", living_arrangement="alone", region_code="310105001001")
    month = dt.date(2026, 12, 1)

    assert services.allowances_grant(month=dt.date(2026, 12, 17)) == 1  # any day names its month
    assert rows(month) == {alone.pk: (Decimal("4.0"), Decimal("0.0"))}
    assert elsewhere.pk not in rows(month) and family.pk not in rows(month)
    assert services.allowances_grant(month=month) == 0  # idempotent


def test_a_row_an_order_made_first_is_kept_and_the_grant_saves_the_order_its_work(street_officer, person):
    b.entitle("4")
    offering = b.offering()
    order = b.place(street_officer, person, offering, "grant-0001", quantity=1)
    month = order.scheduled_start.date().replace(day=1)
    spent = rows(month)[person.pk]
    assert services.allowances_grant(month=month) == 0
    assert rows(month)[person.pk] == spent

    later = people_factories.elder(actor=street_officer, name="独居戊", living_arrangement="alone")
    assert services.allowances_grant(month=month, region_code="310104003000") == 1
    with CaptureQueriesContext(connection) as granted:
        b.place(street_officer, later, offering, "grant-0002", quantity=1)
    assert not [
        q for q in granted.captured_queries if q["sql"].startswith('INSERT INTO "services_monthlyallowance"')
    ]
    assert rows(month)[later.pk][1] == Decimal("1.0")


def test_a_region_limits_the_grant(street_officer):
    b.entitle("4")
    inside = people_factories.elder(actor=street_officer, name="独居己", living_arrangement="alone")
    month = dt.date(2026, 12, 1)
    assert services.allowances_grant(month=month, region_code="310104004000") == 0
    assert services.allowances_grant(month=month, region_code="310104003000") == 1
    assert set(rows(month)) == {inside.pk}


def test_the_nightly_job_grants_this_month_and_next(street_officer):
    b.entitle("4")
    person = people_factories.elder(actor=street_officer, name="独居庚", living_arrangement="alone")
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    assert tasks.grant_allowances.call_local() == {f"{this_month:%Y-%m}": 1, f"{next_month:%Y-%m}": 1}
    assert set(rows(this_month)) == set(rows(next_month)) == {person.pk}
    assert tasks.grant_allowances.call_local() == {f"{this_month:%Y-%m}": 0, f"{next_month:%Y-%m}": 0}
