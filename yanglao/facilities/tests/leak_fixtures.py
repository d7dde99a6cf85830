"""Facilities' foreign rows for the leak walker."""

from yanglao.core.testing import factories
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.facilities.models import Facility


@register
def facilities_foreign(foreign: Foreign, persona_kind: str) -> None:
    operator = factories.organisation(region_code="310104004001", name=f"{MARKER}运营方")
    place = Facility.objects.create(
        name=f"{MARKER}设施",
        kind="canteen",
        operator=operator,
        operating_model="public",
        region_id="310104004001",
        lat=31.21,
        lng=121.44,
    )
    foreign.add(pk=place.pk, marker=place.name)
