"""Facilities against the database: registration (datums, bad input), the bed register's invariants and the
coverage report against brute force."""

import datetime as dt
import json

import numpy as np
import pytest
from django.core.management import call_command

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import errors, geo, selectors, services
from yanglao.facilities.models import Bed, BedStay
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return core_factories.organisation(region_code="310104003001", name="天平养护院")


def facility(actor, operator, **kw):
    data = {
        "name": "天平长者照护之家",
        "kind": "elder_care_home",
        "operator_id": operator.pk,
        "operating_model": "public_private",
        "region_code": "310104003001",
        "lat": 31.2075,
        "lng": 121.444,
    }
    return services.facility_create(actor=actor, **(data | kw))


def test_declared_datums_are_converted_to_wgs84(street_officer, operator):
    g_lng, g_lat = geo.wgs84_to_gcj02(121.444, 31.2075)
    f = facility(street_officer, operator, lng=g_lng, lat=g_lat, coordinate_system="gcj02")
    assert (f.lng, f.lat) == pytest.approx((121.444, 31.2075), abs=1e-6)


@pytest.mark.parametrize(
    ("kw", "text"),
    [
        ({"lat": 121.444, "lng": 31.2075}, "填反"),
        ({"lat": 48.85, "lng": 2.35}, "不在中国境内"),
        ({"coordinate_system": "mercator"}, "坐标系"),
        ({"meal_capacity": -5}, "负数"),
        ({"region_code": "310104004001"}, "管辖范围"),
    ],
)
def test_bad_facilities_are_refused(street_officer, operator, kw, text):
    with pytest.raises(errors.InvalidFacility, match=text):
        facility(street_officer, operator, **kw)


@pytest.fixture
def ward(street_officer, operator):
    provider = core_factories.user(role="provider", organisation=operator, username="ward_staff")
    f = facility(street_officer, operator)
    beds = [
        services.bed_create(
            actor=provider,
            facility_id=f.pk,
            room="101",
            number=str(n),
            bed_type="nursing" if n < 3 else "cognitive",
        )
        for n in range(1, 5)
    ]
    return provider, f, beds


def test_bed_register_invariants(street_officer, ward):
    provider, f, beds = ward
    elder = people_factories.elder(actor=street_officer, name="入住甲")
    other = people_factories.elder(actor=street_officer, name="入住乙")
    services.bed_admit(actor=provider, bed_id=beds[0].pk, id_number=elder.id_number, date=dt.date(2026, 1, 1))
    with pytest.raises(errors.BedUnavailable, match="已有人入住"):
        services.bed_admit(actor=provider, bed_id=beds[0].pk, id_number=other.id_number)
    with pytest.raises(errors.AdmissionRefused, match="已入住其他床位"):
        services.bed_admit(actor=provider, bed_id=beds[1].pk, id_number=elder.id_number)
    people_services.elder_record_death(actor=street_officer, elder_id=other.pk, date=dt.date(2026, 2, 1))
    with pytest.raises(errors.AdmissionRefused, match="已登记死亡"):
        services.bed_admit(actor=provider, bed_id=beds[1].pk, id_number=other.id_number)
    counts = {
        c["bed_type"]: (c["beds"], c["occupied"]) for c in selectors.bed_counts(user=provider, facility=f)
    }
    assert counts == {"nursing": (2, 1), "cognitive": (2, 0)}
    assert counts["nursing"][1] == Bed.objects.unscoped(reason="test").filter(occupant__isnull=False).count()
    with pytest.raises(errors.DischargeRefused, match="早于入住日期"):
        services.bed_discharge(actor=provider, bed_id=beds[0].pk, reason="home", date=dt.date(2025, 12, 31))
    stay = services.bed_discharge(actor=provider, bed_id=beds[0].pk, reason="home", date=dt.date(2026, 3, 1))
    assert stay.discharged_on == dt.date(2026, 3, 1)
    with pytest.raises(errors.BedUnavailable, match="没有入住"):
        services.bed_discharge(actor=provider, bed_id=beds[0].pk, reason="home")
    services.bed_admit(actor=provider, bed_id=beds[1].pk, id_number=elder.id_number, date=dt.date(2026, 3, 2))
    assert BedStay.objects.unscoped(reason="test").filter(elder=elder).count() == 2
    with pytest.raises(errors.InvalidFacility, match="已登记"):
        services.bed_create(actor=provider, facility_id=f.pk, room="101", number="1")


def test_family_care_bed_stands_at_the_home(street_officer, ward):
    provider, f, _ = ward
    home = people_factories.elder(actor=street_officer, name="家床老人")
    bed = services.bed_create(
        actor=provider, facility_id=f.pk, number="家床1", bed_type="nursing", home_id_number=home.id_number
    )
    assert bed.family_bed and bed.home_elder_id == home.pk


def test_coverage_report_matches_brute_force(street_officer, operator, capsys):
    rng = np.random.default_rng(3)
    centre = (121.444, 31.2075)
    for n in range(60):
        lat, lng = centre[1] + rng.normal(0, 0.01), centre[0] + rng.normal(0, 0.01)
        people_factories.elder(
            actor=street_officer,
            name=f"覆盖{n}",
            lat=round(lat, 6),
            lng=round(lng, 6),
            region_code=f"31010400300{1 + n % 3}",
        )
    sites = [(centre[0] + 0.004, centre[1]), (centre[0] - 0.012, centre[1] + 0.006)]
    for n, (lng, lat) in enumerate(sites):
        facility(street_officer, operator, name=f"食堂{n}", kind="canteen", lat=lat, lng=lng)
    report = selectors.coverage_report(
        user=street_officer, region_code="310104003000", kind="canteen", radius=1000
    )
    from yanglao.people.models import Elder

    people = Elder.objects.for_user(street_officer).values_list("lng", "lat")
    xs, ys = geo.project(
        np.array([p[0] for p in people] + [s[0] for s in sites]),
        np.array([p[1] for p in people] + [s[1] for s in sites]),
        lon_0=centre[0],
        lat_0=centre[1],
    )
    points = np.column_stack([xs, ys])
    d = np.sqrt(((points[:60, None, :] - points[None, 60:, :]) ** 2).sum(axis=2))
    assert report.elders == 60 and report.covered == int((d <= 1000).any(axis=1).sum())
    assert sum(r["elders"] for r in report.by_region) == 60 and report.by_region[0]["code"] == "310104003001"
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("cov_root", password="Root-password-1")
    call_command("coverage", "--region", "310104003000", "--kind", "canteen", "--radius", "1000", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"region", "kind", "radius_m", "elders", "covered", "share", "by_region"}
    assert payload["covered"] == report.covered


def test_api_staff_public_and_coverage(client, street_officer, operator, other_street_officer):
    shown = facility(street_officer, operator, name="公开食堂", kind="canteen")
    hidden = facility(street_officer, operator, name="内部设施", kind="canteen", is_public=False)
    provider = core_factories.user(role="provider", organisation=operator, username="api_staff")
    bed = services.bed_create(actor=provider, facility_id=shown.pk, number="1", bed_type="nursing")
    assert bed.pk
    public = client.get("/api/v1/public/facilities?kind=canteen")  # no login
    assert public.status_code == 200
    body = public.json()["items"]
    assert [f["name"] for f in body] == ["公开食堂"]
    assert body[0]["vacancies"] == [{"bed_type": "nursing", "vacant": 1}]
    assert "operator_id" not in body[0] and "region_code" not in body[0]
    client.force_login(street_officer)
    assert {f["name"] for f in client.get("/api/v1/facilities").json()["items"]} == {"公开食堂", "内部设施"}
    coverage = client.get("/api/v1/coverage?region=310104003000&kind=canteen&radius=1000")
    assert coverage.status_code == 200 and set(coverage.json()) >= {"elders", "covered", "share", "by_region"}
    assert client.get("/api/v1/coverage?region=310104003000&kind=canteen&radius=-5").status_code == 422
    client.force_login(other_street_officer)
    assert client.get("/api/v1/facilities").json() == {"items": [], "next": ""}
    assert client.get("/api/v1/coverage?region=310104003000&kind=canteen").status_code == 404
    assert hidden.pk


def test_a_bed_out_of_scope_is_not_found_alike(client, other_street_officer, ward):
    """Missing and out-of-scope beds answer the same 404 through the API (issue 9, one not-found)."""
    client.force_login(other_street_officer)
    bed = ward[2][0]
    body = {"id_number": "310104194001010011"}
    foreign = client.post(f"/api/v1/beds/{bed.pk}/admit", body, content_type="application/json")
    missing = client.post("/api/v1/beds/987654/admit", body, content_type="application/json")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["message"] == missing.json()["message"]
