"""Demo facilities: the Xuhui network and its 6,829 beds, occupancy from the demo's residents."""

import random

import pytest

from yanglao.core import demo
from yanglao.core.models import Region
from yanglao.facilities.demo import bed_sizes
from yanglao.facilities.models import Bed, BedStay, Facility

pytestmark = pytest.mark.django_db


def test_demo_facilities_and_beds():
    demo.run(scale=0.02, seed=4, steps=["facilities"], log=lambda _: None)
    places = Facility.objects.unscoped(reason="test")
    assert places.filter(kind__in=["institution", "elder_care_home"]).count() == 57
    assert places.filter(kind="elder_care_home").count() == 14
    assert places.filter(kind__in=["meal_site", "canteen"]).count() == 107
    assert places.filter(kind="neighbourhood_point").count() == 305
    assert places.filter(kind="community_centre").count() == 13
    assert places.filter(kind="health_centre").count() == 13 + 76
    assert not places.filter(floor_area__isnull=True).exclude(kind__in=["institution"]).exists()
    beds = Bed.objects.unscoped(reason="test").filter(facility__kind__in=["institution", "elder_care_home"])
    assert beds.count() == sum(bed_sizes(random.Random(1), 14, 43, 0.02)) or beds.count() >= 57 * 2
    assert beds.filter(facility__kind="elder_care_home").values("facility").distinct().count() == 14
    occupied = Bed.objects.unscoped(reason="test").filter(occupant__isnull=False)
    assert (
        occupied.count()
        == BedStay.objects.unscoped(reason="test").filter(discharged_on__isnull=True).count()
        > 0
    )
    assert 0.5 <= beds.filter(occupant__isnull=False).count() / beds.count() <= 1  # realistic at small scale
    day_care = Bed.objects.unscoped(reason="test").filter(facility__kind="day_care")
    assert (
        day_care.filter(occupant__isnull=True).exists() and day_care.filter(occupant__isnull=False).exists()
    )
    # Generated boundaries: every Xuhui street and committee has one, and its centre lies inside it.
    xuhui = Region.objects.filter(code__gte="310104000000", code__lt="310105000000").exclude(
        code__startswith="310104501"  # the development zone is no street; it has no demo outline
    )
    assert not xuhui.filter(boundary__isnull=True).exists()
    assert xuhui.get(code="310104000000").population == 1_113_078
    assert set(beds.values_list("bed_type", flat=True)) == {
        "nursing",
        "inclusive",
        "cognitive",
        "medical",
        "ordinary",
    }
    before = Bed.objects.unscoped(reason="test").count()
    demo.run(scale=0.02, seed=4, steps=["facilities"], log=lambda _: None)
    assert Bed.objects.unscoped(reason="test").count() == before


def test_the_bed_register_at_scale_one_is_xuhuis_6829():
    sizes = bed_sizes(random.Random(3), 14, 43, 1)
    assert sum(sizes) == 6_829 and all(20 <= n <= 49 for n in sizes[:14])
    small = bed_sizes(random.Random(3), 14, 43, 0.05)
    assert len(small) == 57 and min(small) >= 2 and sum(small) < 6_829 * 0.1
