"""Demo facilities: the Xuhui network and its 6,829 beds, occupancy from the demo's residents."""

import pytest

from yanglao.core import demo
from yanglao.facilities.models import Bed, BedStay, Facility

pytestmark = pytest.mark.django_db


def test_demo_facilities_and_beds():
    demo.run(scale=0.005, seed=4, log=lambda _: None)
    places = Facility.objects.unscoped(reason="test")
    assert places.filter(kind__in=["institution", "elder_care_home"]).count() == 57
    assert places.filter(kind="elder_care_home").count() == 14
    assert places.filter(kind__in=["meal_site", "canteen"]).count() == 107
    beds = Bed.objects.unscoped(reason="test")
    assert beds.count() == 6_829
    assert beds.filter(facility__kind="elder_care_home").values("facility").distinct().count() == 14
    occupied = beds.filter(occupant__isnull=False)
    assert (
        occupied.count()
        == BedStay.objects.unscoped(reason="test").filter(discharged_on__isnull=True).count()
        > 0
    )
    assert set(beds.values_list("bed_type", flat=True)) == {
        "nursing",
        "inclusive",
        "cognitive",
        "medical",
        "ordinary",
    }
    demo.run(scale=0.005, seed=4, log=lambda _: None)
    assert Bed.objects.unscoped(reason="test").count() == 6_829
