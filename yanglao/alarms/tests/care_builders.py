"""Builders of the care-call tests: people of a given age and arrangement, calls due on a given day."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from yanglao.alarms.models import CareCall
from yanglao.core import idcard
from yanglao.people.models import Elder
from yanglao.people.tests import factories as people_factories

_seq = itertools.count(301)
TIANPING_1 = "310104003001"
HUNAN_1 = "310104004001"


def elder(
    *, age: int = 85, alone: bool = True, region: str = TIANPING_1, name: str = "周玉兰", actor=None
) -> Elder:
    """A registered person ``age`` years old today, living alone or with children."""
    today = timezone.localdate()
    n = next(_seq)
    birth = dt.date(today.year - age - 1, 12, 1 + n % 27) if today < dt.date(today.year, 12, 1) else None
    birth = birth or dt.date(today.year - age, 1, 1 + n % 27)
    return people_factories.elder(
        actor=actor,
        name=name,
        id_number=idcard.make("310104", birth, n % 999),
        region_code=region,
        living_arrangement="alone" if alone else "with_children",
        phone=f"139{n:08d}",
    )


def due(person: Elder, day: dt.date, operator=None) -> CareCall:
    """A call due on ``day`` (as the nightly run would make it)."""
    return CareCall.objects.create(elder=person, region_id=person.region_id, due_on=day, operator=operator)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
