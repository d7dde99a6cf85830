"""Builders the LTC tests share: the scheme on Shanghai, a designated provider with a caregiver, an ltc-2021
assessment carried to a chosen result, and a visit delivered through the services module."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from yanglao.assessment import services as assessment_services
from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.ltc import services
from yanglao.ltc.demo import answers_for
from yanglao.services.models import Caregiver, ServiceItem, ServiceOffering, ServiceOrder

SHANGHAI = "310000000000"
_n = itertools.count(1)


def scheme():
    return services.scheme_load(region_code=SHANGHAI, effective_from=dt.date(2020, 1, 1))


def provider(region="310104003001", price="65.00"):
    n = next(_n)
    org = factories.organisation(region_code=region, name=f"长护险定点机构{n}", kind="home_service")
    offering = ServiceOffering.objects.create(
        provider=org, region_id=region, item=ServiceItem.objects.get(code="LTC-JJ"), price=Decimal(price)
    )
    offering.areas.set(["310104000000"])
    user = factories.user(role=Role.CAREGIVER, organisation=org, username=f"ltc_worker_{n}")
    worker = Caregiver.objects.create(
        user=user,
        provider=org,
        region_id=region,
        name=f"护理员{n}",
        skills=["care_worker", "general"],
        lat=31.2,
        lng=121.44,
    )
    manager = factories.user(role=Role.PROVIDER, organisation=org, username=f"ltc_manager_{n}")
    return org, worker, manager


def assess(app, level, *, requester, reviewer):
    agency = factories.organisation(
        region_code="310104000000", name=f"评估中心{next(_n)}", kind="assessment_agency"
    )
    one = factories.user(role=Role.ASSESSOR, organisation=agency, username=f"ltc_a{next(_n)}")
    two = factories.user(role=Role.ASSESSOR, organisation=agency, username=f"ltc_b{next(_n)}")
    assessment_services.assessment_assign(
        actor=requester, assessment_id=app.assessment_id, agency_id=agency.pk, assessor_ids=(one.pk, two.pk)
    )
    assessment_services.assessment_submit(
        actor=one, assessment_id=app.assessment_id, answers=answers_for(level), context={}
    )
    assessment_services.assessment_confirm(actor=two, assessment_id=app.assessment_id)
    return assessment_services.assessment_review(
        actor=reviewer, assessment_id=app.assessment_id, approve=True
    )


def deliver(order: ServiceOrder, *, minutes=60, day=None):
    """A visit verified as the services module records it (checked in, checked out, confirmed) on ``day``."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9))) if day else order.scheduled_start
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
        status="confirmed",
        scheduled_start=start,
        scheduled_end=start + dt.timedelta(hours=1),
        checked_in_at=start,
        checked_out_at=start + dt.timedelta(minutes=minutes),
        served_minutes=minutes,
        confirmed_at=start + dt.timedelta(minutes=minutes + 1),
    )


def home_plan(actor, app, org, worker, weekdays=(1, 2, 3, 4, 5)):
    """A level-4 home plan (five weekdays at 9:00) with the provider's caregiver."""
    return services.plan_create(
        actor=actor,
        application_id=app.pk,
        provider_id=org.pk,
        caregiver_id=worker.pk,
        weekdays=list(weekdays),
        start_time=dt.time(9),
    )
