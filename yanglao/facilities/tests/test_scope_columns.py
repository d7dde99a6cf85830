"""Beds, stays and snapshots carry their own region code and operator (platform kit, item 8): scoping reads
no other table, and the copies follow a facility that moves or changes hands and a person who moves home."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import services
from yanglao.facilities.models import Bed, BedStay, OccupancySnapshot
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

HOME_COMMUNITY = "310104003001"  # 天平路街道
OTHER_COMMUNITY = "310104003002"
HUNAN_COMMUNITY = "310104004001"  # 湖南路街道


def _rows(model, **filters):
    return model.objects.unscoped(reason="test").filter(**filters)


@pytest.fixture
def place(street_officer, district_officer):
    operator = core_factories.organisation(region_code=HOME_COMMUNITY, name="范围测试运营方")
    provider = core_factories.user(role="provider", organisation=operator, username="scope_staff")
    home = services.facility_create(
        actor=street_officer,
        name="范围测试照护之家",
        kind="elder_care_home",
        operator_id=operator.pk,
        operating_model="public",
        region_code=HOME_COMMUNITY,
        lat=31.2075,
        lng=121.444,
    )
    bed = services.bed_create(actor=provider, facility_id=home.pk, room="101", number="1")
    resident = people_factories.elder(actor=street_officer, name="院内老人")
    services.bed_admit(actor=provider, bed_id=bed.pk, id_number=resident.id_number, date=dt.date(2026, 1, 5))
    person = people_factories.elder(actor=street_officer, name="家床老人", region_code=OTHER_COMMUNITY)
    family = services.bed_create(
        actor=provider, facility_id=home.pk, number="家1", home_id_number=person.id_number
    )
    services.bed_admit(actor=provider, bed_id=family.pk, id_number=person.id_number, date=dt.date(2026, 1, 6))
    services.occupancy_snapshot_take(date=dt.date(2026, 1, 6))
    return provider, home, bed, family, person


def test_every_write_path_sets_the_codes(place):
    _, home, bed, family, _ = place
    assert _rows(Bed, pk=bed.pk).get().region_id == HOME_COMMUNITY
    assert _rows(Bed, pk=family.pk).get().region_id == OTHER_COMMUNITY  # the home's community
    assert set(_rows(BedStay, bed=bed).values_list("region", "operator")) == {
        (HOME_COMMUNITY, home.operator_id)
    }
    assert set(_rows(BedStay, bed=family).values_list("region", "operator")) == {
        (OTHER_COMMUNITY, home.operator_id)
    }
    assert set(_rows(OccupancySnapshot, facility=home).values_list("region", "operator")) == {
        (HOME_COMMUNITY, home.operator_id)
    }


@pytest.mark.parametrize("model", [Bed, BedStay, OccupancySnapshot])
@pytest.mark.parametrize("persona", ["street_officer", "provider_staff"])
def test_for_user_reads_no_facility(request, place, model, persona):
    user = request.getfixturevalue(persona)
    sql = str(model.objects.for_user(user).query)
    assert "facilities_facility" not in sql
    assert "region_code" in sql or "operator_id" in sql  # a real filter, not an empty queryset


def test_a_facility_that_moves_takes_its_rows(place, district_officer, street_officer, other_street_officer):
    _, home, bed, family, _ = place
    services.facility_update(actor=district_officer, facility_id=home.pk, region_code=HUNAN_COMMUNITY)
    assert _rows(Bed, pk=bed.pk).get().region_id == HUNAN_COMMUNITY
    assert set(_rows(BedStay, bed=bed).values_list("region", flat=True)) == {HUNAN_COMMUNITY}
    assert set(_rows(OccupancySnapshot, facility=home).values_list("region", flat=True)) == {HUNAN_COMMUNITY}
    # A family care bed stands at the home, which did not move.
    assert _rows(Bed, pk=family.pk).get().region_id == OTHER_COMMUNITY
    assert set(_rows(BedStay, bed=family).values_list("region", flat=True)) == {OTHER_COMMUNITY}
    assert list(Bed.objects.for_user(other_street_officer).values_list("pk", flat=True)) == [bed.pk]
    assert list(Bed.objects.for_user(street_officer).values_list("pk", flat=True)) == [family.pk]


def test_a_facility_that_changes_hands_takes_its_rows(place, district_officer):
    provider, home, *_ = place
    successor = core_factories.organisation(region_code=HOME_COMMUNITY, name="接手运营方")
    services.facility_update(actor=district_officer, facility_id=home.pk, operator_id=successor.pk)
    for model, rows in ((Bed, {"facility": home}), (BedStay, {"bed__facility": home})):
        assert set(_rows(model, **rows).values_list("operator", flat=True)) == {successor.pk}
    assert set(_rows(OccupancySnapshot, facility=home).values_list("operator", flat=True)) == {successor.pk}
    assert not Bed.objects.for_user(provider).exists()  # the former operator's staff lose the beds


def test_a_family_care_bed_follows_its_person_home(place, street_officer, other_street_officer):
    _, _, bed, family, person = place
    people_services.elder_move(
        actor=street_officer, elder_id=person.pk, region_code=HOME_COMMUNITY, date=dt.date(2026, 2, 1)
    )
    assert _rows(Bed, pk=family.pk).get().region_id == HOME_COMMUNITY
    assert set(_rows(BedStay, bed=family).values_list("region", flat=True)) == {HOME_COMMUNITY}
    assert _rows(Bed, pk=bed.pk).get().region_id == HOME_COMMUNITY  # an institution bed does not move


def test_a_resident_who_moves_leaves_the_institution_bed_alone(place, district_officer):
    _, _, bed, _, _ = place
    resident = _rows(Bed, pk=bed.pk).get().occupant
    people_services.elder_move(
        actor=district_officer, elder_id=resident.pk, region_code=HUNAN_COMMUNITY, date=dt.date(2026, 2, 1)
    )
    assert _rows(Bed, pk=bed.pk).get().region_id == HOME_COMMUNITY
    assert set(_rows(BedStay, bed=bed).values_list("region", flat=True)) == {HOME_COMMUNITY}


def test_the_migration_fills_the_codes_from_the_facility_and_the_home(place):
    _, home, bed, family, _ = place
    stranger = core_factories.organisation(region_code=HUNAN_COMMUNITY, name="无关运营方")
    for model in (Bed, BedStay, OccupancySnapshot):  # wrong on purpose: the fill must overwrite both
        _rows(model).update(region=HUNAN_COMMUNITY, operator=stranger)
    fill = importlib.import_module("yanglao.facilities.migrations.0006_scope_columns_fill").fill
    fill(MigrationLoader(connection).project_state(("facilities", "0005_scope_columns")).apps, None)
    assert _rows(Bed, pk=bed.pk).get().region_id == HOME_COMMUNITY
    assert _rows(Bed, pk=family.pk).get().region_id == OTHER_COMMUNITY
    assert set(_rows(BedStay, bed=bed).values_list("region", flat=True)) == {HOME_COMMUNITY}
    assert set(_rows(BedStay, bed=family).values_list("region", flat=True)) == {OTHER_COMMUNITY}
    assert set(_rows(OccupancySnapshot, facility=home).values_list("region", flat=True)) == {HOME_COMMUNITY}
    for model in (Bed, BedStay, OccupancySnapshot):
        assert set(_rows(model).values_list("operator", flat=True)) == {home.operator_id}
