"""Coverage and the indicators are computed once per user, parameters and data version (issue 9, 6.3): an
unchanged open reads no people, and any change to facilities, beds or the registry is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.core.testing import factories as core_factories
from yanglao.facilities import selectors, services
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db
CENTRE = (121.444, 31.2075)


@pytest.fixture(autouse=True)
def real_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def area(street_officer):
    operator = core_factories.organisation(region_code="310104003001", name="缓存测试运营方")
    near = services.facility_create(
        actor=street_officer,
        name="近处日间照料中心",
        kind="day_care",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lng=CENTRE[0],
        lat=CENTRE[1],
    )
    people = [
        people_factories.elder(actor=street_officer, name=f"老人{n}", lng=CENTRE[0] + 0.02 * n, lat=CENTRE[1])
        for n in range(3)
    ]
    return operator, near, people


def reads_people(call) -> tuple[object, bool]:
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return value, any('"people_elder"."lng"' in q["sql"] or "GROUP BY" in q["sql"] for q in queries)


def open_map(user):
    return selectors.coverage_map_cached(
        user=user, region_code="310104003000", kind="day_care", radius=500, k=1
    )


def test_an_unchanged_open_reads_no_people_and_a_new_facility_is_seen(street_officer, area):
    operator, _, _ = area
    first, computed = reads_people(lambda: open_map(street_officer))
    assert computed and (first["elders"], first["covered"]) == (3, 1)
    again, computed = reads_people(lambda: open_map(street_officer))
    assert not computed and again == first
    services.facility_create(
        actor=street_officer,
        name="新日间照料中心",
        kind="day_care",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lng=CENTRE[0] + 0.02,
        lat=CENTRE[1],
    )
    after, computed = reads_people(lambda: open_map(street_officer))
    assert computed and after["covered"] == 2 and len(after["facilities"]) == 2


def test_a_moved_facility_and_registry_changes_are_seen(street_officer, area):
    _, near, people = area
    assert open_map(street_officer)["covered"] == 1
    services.facility_update(actor=street_officer, facility_id=near.pk, lng=CENTRE[0] + 0.04, lat=CENTRE[1])
    assert open_map(street_officer)["covered"] == 1  # now by the third person, not the first
    assert open_map(street_officer)["facilities"][0]["lng"] == pytest.approx(CENTRE[0] + 0.04)
    people_services.elder_record_death(
        actor=street_officer, elder_id=people[2].pk, date=people[2].created_at.date()
    )
    assert (open_map(street_officer)["elders"], open_map(street_officer)["covered"]) == (2, 0)
    people_factories.elder(actor=street_officer, name="新登记", lng=CENTRE[0] + 0.04, lat=CENTRE[1])
    assert (open_map(street_officer)["elders"], open_map(street_officer)["covered"]) == (3, 1)


def test_answers_never_cross_between_users(street_officer, other_street_officer, district_officer, area):
    assert open_map(street_officer)["elders"] == 3
    other = selectors.coverage_map_cached(
        user=other_street_officer, region_code="310104003000", kind="day_care", radius=500, k=1
    )
    assert other["elders"] == 0


def test_indicators_follow_new_beds(street_officer, area):
    operator, _, _ = area
    home = services.facility_create(
        actor=street_officer,
        name="缓存测试照护之家",
        kind="elder_care_home",
        operator_id=operator.pk,
        operating_model="public",
        region_code="310104003001",
        lng=CENTRE[0],
        lat=CENTRE[1],
    )
    provider = core_factories.user(role="provider", organisation=operator, username="cache_staff")

    def beds():
        return selectors.planning_indicators_cached(user=street_officer, region_code="310104003000")["total"][
            "beds_total"
        ]

    assert beds() == 0
    _, computed = reads_people(beds)
    assert not computed
    services.bed_create(actor=provider, facility_id=home.pk, number="1", bed_type="nursing")
    assert beds() == 1


def test_the_api_and_page_answer_from_the_cache(client, street_officer, area):
    client.force_login(street_officer)
    url = "/api/v1/coverage/map?region=310104003000&kind=day_care&radius=500&k=1"
    first = client.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).json()
    assert again == first
    assert not any('"people_elder"."lng"' in q["sql"] for q in queries)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/facilities/indicators/?region=310104003000").status_code == 200
    elder_count_first = sum("GROUP BY" in q["sql"] and "people_elder" in q["sql"] for q in queries)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/facilities/indicators/?region=310104003000").status_code == 200
    assert elder_count_first == 1
    assert not any("GROUP BY" in q["sql"] and "people_elder" in q["sql"] for q in queries)
