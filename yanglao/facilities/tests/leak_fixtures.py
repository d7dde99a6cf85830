"""Facilities' foreign rows for the leak walker: a facility in another street (not on the public map, so it
must appear nowhere), a bed there with a resident, and that facility's occupancy snapshot."""

import datetime as dt

from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.facilities.models import Bed, BedStay, Facility, OccupancySnapshot
from yanglao.people.tests import factories as people_factories


@register
def facilities_foreign(foreign: Foreign, persona_kind: str) -> None:
    operator = factories.organisation(region_code="310104004001", name=f"{MARKER}运营方")
    place = Facility.objects.create(
        name=f"{MARKER}设施",
        kind="elder_care_home",
        operator=operator,
        operating_model="public",
        region_id="310104004001",
        lat=31.21,
        lng=121.44,
        is_public=False,
    )
    foreign.add(pk=place.pk, marker=place.name)
    resident = people_factories.elder(name=f"{MARKER}住户", region_code="310104004001")
    foreign.add(marker=resident.name)
    bed = Bed.objects.create(
        facility=place,
        room=f"{MARKER}房",
        number="1",
        bed_type="nursing",
        region_id=place.region_id,
        operator=operator,
    )
    foreign.add(pk=bed.pk, marker=bed.room)
    bed.occupant, bed.occupied_since = resident, dt.date(2026, 1, 5)
    bed.save()
    stay = BedStay.objects.create(
        bed=bed, elder=resident, admitted_on=bed.occupied_since, region_id=place.region_id, operator=operator
    )
    foreign.add(pk=stay.pk)
    OccupancySnapshot.objects.create(
        facility=place,
        date=dt.date(2026, 1, 5),
        bed_type="nursing",
        beds=1,
        occupied=1,
        region_id=place.region_id,
        operator=operator,
    )
