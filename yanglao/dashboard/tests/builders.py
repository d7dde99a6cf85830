"""A small district the dashboard tests count by hand: three people in 天平路, one institution with five
beds, a canteen, a comprehensive centre, a served order and an alarm."""

import datetime as dt

from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, AlarmStatus
from yanglao.alarms.models import Alarm
from yanglao.core import idcard
from yanglao.core.testing import factories as core_factories
from yanglao.facilities.models import Bed, Facility
from yanglao.people.tests import factories as people_factories
from yanglao.services.choices import AlertKind, OrderStatus
from yanglao.services.models import ServiceAlert, ServiceItem, ServiceOrder
from yanglao.services.tests.builders import offering, place

TIANPING_1, TIANPING_2 = "310104003001", "310104003002"


def years_ago(years: int, days: int = 40) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def born(years: int, serial: int) -> str:
    """An ID number whose birth date makes its holder ``years`` old (40 days past the birthday)."""
    return idcard.make("310104", years_ago(years), serial)


def district(actor):
    """Everything below; returns the people (86, 71 and 64 years old, the first living alone)."""
    old = people_factories.elder(actor=actor, name="高龄独居", id_number=born(86, 1), region_code=TIANPING_1)
    mid = people_factories.elder(
        actor=actor,
        name="七十一岁",
        id_number=born(71, 2),
        region_code=TIANPING_1,
        living_arrangement="with_children",
    )
    young = people_factories.elder(
        actor=actor,
        name="六十四岁",
        id_number=born(64, 3),
        region_code=TIANPING_2,
        living_arrangement="with_children",
    )
    operator = core_factories.organisation(region_code=TIANPING_1, name="天平养老院")
    home = Facility.objects.create(
        name="天平养老院",
        kind="institution",
        operator=operator,
        operating_model="private",
        region_id=TIANPING_1,
        lat=31.21,
        lng=121.44,
        floor_area=1000,
        open_to_community=True,
    )
    for n, bed_type in enumerate(["nursing", "nursing", "nursing", "ordinary", "cognitive"]):
        Bed.objects.create(
            facility=home,
            number=str(n),
            bed_type=bed_type,
            region_id=TIANPING_1,
            operator=operator,
            occupant=young if n == 0 else None,
            occupied_since=timezone.localdate() if n == 0 else None,
        )
    Facility.objects.create(
        name="天平长者食堂",
        kind="canteen",
        operator=operator,
        operating_model="public",
        region_id=TIANPING_2,
        lat=31.21,
        lng=121.44,
        floor_area=200,
        meal_capacity=150,
    )
    Facility.objects.create(
        name="天平综合为老服务中心",
        kind="community_centre",
        operator=operator,
        operating_model="public",
        region_id=TIANPING_1,
        lat=31.21,
        lng=121.44,
        floor_area=800,
    )
    return old, mid, young


def served(actor, person, *, late: bool = False, visiting: bool = False, when=None) -> ServiceOrder:
    """An order checked out ``when`` (default: an hour ago), flagged late if asked."""
    code = (
        ServiceItem.objects.filter(service_type="visiting").values_list("code", flat=True).first()
        if visiting
        else "SH-ZJ"
    )
    sold = offering(code=code, contract=None)
    order = place(actor, person, sold, key=f"k-{person.pk}-{code}-{late}-{when}")
    when = when or timezone.now() - dt.timedelta(hours=1)
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
        status=OrderStatus.CHECKED_OUT, checked_in_at=when - dt.timedelta(hours=1), checked_out_at=when
    )
    if late:
        ServiceAlert.objects.create(
            order=order,
            provider=order.provider,
            region_id=order.region_id,
            kind=AlertKind.LATE,
            raised_at=when,
            message="迟到 20 分钟",
        )
    return order


def alarm(person, *, answer_seconds: int | None, raised=None) -> Alarm:
    raised = raised or timezone.now() - dt.timedelta(hours=2)
    claimed = raised + dt.timedelta(seconds=answer_seconds) if answer_seconds is not None else None
    return Alarm.objects.create(
        elder=person,
        region_id=person.region_id,
        kind=AlarmKind.SOS,
        severity=1,
        raised_at=raised,
        claimed_at=claimed,
        status=AlarmStatus.CLAIMED if claimed else AlarmStatus.OPEN,
    )


def district_person(actor):
    """The first person of ``district`` (the 86-year-old living alone)."""
    from yanglao.people.models import Elder

    return Elder.objects.for_user(actor).get(name="高龄独居")


MINHANG_PLAN = "《闵行区全面深化养老服务高质量发展三年行动计划(2020-2022年)》"


def nursing_target(actor, *, value: float = 60, year: int = 2027):
    """The district's nursing-bed share target (seed 000's 60 %)."""
    from yanglao.dashboard import services

    return services.target_create(
        actor=actor,
        region_code="310104000000",
        indicator="nursing_bed_share",
        comparator="gte",
        value=value,
        target_year=year,
        source_document=MINHANG_PLAN,
    )
