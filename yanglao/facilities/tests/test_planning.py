"""The staff map's analysis (clusters, site picks against brute force), planning indicators counted by hand,
daily occupancy snapshots against the register, admission by ID number, and their API."""

import datetime as dt
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from yanglao.core import idcard
from yanglao.core.models import Region
from yanglao.core.testing import factories as core_factories
from yanglao.facilities import errors, geo, selectors, services
from yanglao.facilities.models import Bed, OccupancySnapshot
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

CENTRE = (121.444, 31.2075)


@pytest.fixture
def operator():
    return core_factories.organisation(region_code="310104003001", name="天平综合为老服务中心")


def place(actor, operator, name, kind, lng, lat, region="310104003001", **kw):
    return services.facility_create(
        actor=actor,
        name=name,
        kind=kind,
        operator_id=operator.pk,
        operating_model="public",
        region_code=region,
        lat=lat,
        lng=lng,
        **kw,
    )


@pytest.fixture
def town(street_officer, operator):
    """Two groups of elders: one by a day-care centre, one 2 km east with nothing near."""
    rng = np.random.default_rng(11)
    for n in range(30):
        people_factories.elder(
            actor=street_officer,
            name=f"近{n}",
            lng=round(CENTRE[0] + rng.normal(0, 0.001), 6),
            lat=round(CENTRE[1] + rng.normal(0, 0.001), 6),
            region_code="310104003001",
        )
    for n in range(20):
        people_factories.elder(
            actor=street_officer,
            name=f"远{n}",
            lng=round(CENTRE[0] + 0.021 + rng.normal(0, 0.0005), 6),
            lat=round(CENTRE[1] + rng.normal(0, 0.0005), 6),
            region_code="310104003002",
        )
    place(street_officer, operator, "天平日间照料中心", "day_care", *CENTRE, floor_area=500)
    return street_officer


def test_coverage_map_clusters_and_site_picks(town):
    result = selectors.coverage_map(user=town, region_code="310104003000", kind="day_care", radius=1000, k=3)
    assert (result["elders"], result["covered"]) == (50, 30)
    assert {r["code"]: (r["elders"], r["covered"]) for r in result["communities"]} == {
        "310104003001": (30, 30),
        "310104003002": (20, 0),
    }
    # The 20 uncovered people form one cluster (aggregated: a count and a cell mean, no person's position).
    assert 10 <= sum(c["elders"] for c in result["clusters"]) <= 20
    assert set(result["clusters"][0]) == {"lat", "lng", "elders"}
    assert all(abs(c["lng"] - (CENTRE[0] + 0.021)) < 0.003 for c in result["clusters"])
    # Candidates default to committees' centres of gravity: the far committee's covers all 20, then nothing.
    assert [(s["rank"], s["gain"]) for s in result["suggestions"]] == [(1, 20)]
    assert result["suggestions"][0]["name"].startswith(Region.objects.get(code="310104003002").name)
    assert result["suggestions"][0]["share_after"] == 1.0
    site = result["suggestions"][0]
    assert abs(site["lng"] - (CENTRE[0] + 0.021)) < 0.001 and abs(site["lat"] - CENTRE[1]) < 0.001


def test_site_gain_equals_brute_force_on_explicit_candidates(town):
    candidates = [("东", CENTRE[1], CENTRE[0] + 0.021), ("西", CENTRE[1], CENTRE[0] - 0.02)]
    result = selectors.coverage_map(
        user=town, region_code="310104003000", kind="day_care", radius=600, k=2, candidates=candidates
    )
    from yanglao.people.models import Elder

    people = np.array(list(Elder.objects.for_user(town).values_list("lng", "lat")))
    x, y = geo.project(people[:, 0], people[:, 1], lon_0=CENTRE[0], lat_0=CENTRE[1])
    fx, fy = geo.project(np.array([CENTRE[0]]), np.array([CENTRE[1]]), lon_0=CENTRE[0], lat_0=CENTRE[1])
    cx, cy = geo.project(CENTRE[0] + 0.021, CENTRE[1], lon_0=CENTRE[0], lat_0=CENTRE[1])
    uncovered = np.hypot(x - fx[0], y - fy[0]) > 600
    gain = int((uncovered & (np.hypot(x - cx, y - cy) <= 600)).sum())
    assert [(s["name"], s["gain"]) for s in result["suggestions"]] == [("东", gain)]


def test_planning_indicators_count_by_hand(town, operator):
    officer = town
    home = place(officer, operator, "天平长者照护之家", "elder_care_home", CENTRE[0] + 0.002, CENTRE[1])
    provider = core_factories.user(role="provider", organisation=operator, username="ind_staff")
    for n, kind in enumerate(["nursing", "nursing", "cognitive", "inclusive"]):
        services.bed_create(actor=provider, facility_id=home.pk, number=str(n), bed_type=kind)
    place(officer, operator, "天平卫生服务站", "health_centre", *CENTRE, floor_area=9999)
    Region.objects.filter(code="310104003000").update(population=100_000)
    Region.objects.filter(code="310104003001").update(population=10_000)
    result = selectors.planning_indicators(user=officer, region_code="310104003000")
    total = result["total"]
    assert (total["elders"], total["facilities"], total["beds_total"]) == (50, 3, 4)
    assert total["beds_per_1000_elders"] == 80.0  # 4 beds / 50 elders × 1,000
    assert total["beds_per_1000_elders_by_type"] == {"cognitive": 20.0, "inclusive": 20.0, "nursing": 40.0}
    assert total["floor_area"] == 500  # health centres are not elderly-care floor area
    assert total["floor_area_per_1000_residents"] == 5.0 and total["floor_area_per_resident"] == 0.005
    rows = {r["code"]: r for r in result["by_region"]}
    assert (
        rows["310104003001"]["facilities"] == 3
        and rows["310104003001"]["floor_area_per_1000_residents"] == 50.0
    )
    # Committees of the street with no facility at all are listed by name.
    committees = Region.objects.filter(parent_id="310104003000").count()
    assert total["communities"] == committees
    assert len(total["communities_without_facility"]) == committees - 1
    assert "310104003002" in {c["code"] for c in total["communities_without_facility"]}
    assert rows["310104003002"]["floor_area_per_1000_residents"] is None  # population unknown: no figure


def test_occupancy_snapshots_equal_the_register_and_history(town, operator):
    officer = town
    home = place(officer, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    provider = core_factories.user(role="provider", organisation=operator, username="snap_staff")
    beds = [
        services.bed_create(actor=provider, facility_id=home.pk, number=str(n), bed_type="nursing")
        for n in range(3)
    ]
    people = [people_factories.elder(actor=officer, name=f"住{n}") for n in range(2)]
    today = timezone.localdate()
    services.bed_admit(
        actor=provider, bed_id=beds[0].pk, id_number=people[0].id_number, date=today - dt.timedelta(days=10)
    )
    services.bed_admit(
        actor=provider, bed_id=beds[1].pk, id_number=people[1].id_number, date=today - dt.timedelta(days=5)
    )
    services.bed_discharge(
        actor=provider, bed_id=beds[1].pk, reason="hospital", date=today - dt.timedelta(days=2)
    )
    call_command("occupancy_snapshot", "--days", "12")
    trend = {
        r["date"]: (r["beds"], r["occupied"]) for r in selectors.occupancy_trend(user=officer, facility=home)
    }
    assert trend[today - dt.timedelta(days=11)] == (3, 0)
    assert trend[today - dt.timedelta(days=10)] == (3, 1)
    assert trend[today - dt.timedelta(days=4)] == (3, 2)
    assert trend[today - dt.timedelta(days=2)] == (3, 1)  # discharged that day: the bed is free at night
    services.occupancy_snapshot_take(date=today)
    snap = OccupancySnapshot.objects.unscoped(reason="test").get(facility=home, date=today)
    register = Bed.objects.unscoped(reason="test").filter(facility=home, occupant__isnull=False).count()
    assert snap.occupied == register == 1
    assert services.occupancy_snapshot_take(date=today) == 1  # re-taking replaces, never duplicates
    assert OccupancySnapshot.objects.unscoped(reason="test").filter(date=today).count() == 1


def test_admission_by_id_number_refuses_bad_input(town, operator):
    home = place(town, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    provider = core_factories.user(role="provider", organisation=operator, username="adm_staff")
    bed = services.bed_create(actor=provider, facility_id=home.pk, number="1")
    person = people_factories.elder(actor=town, name="入住丙")
    with pytest.raises(errors.AdmissionRefused, match="校验"):
        services.bed_admit(actor=provider, bed_id=bed.pk, id_number="110101194001011231")
    with pytest.raises(errors.AdmissionRefused, match="没有此人"):
        services.bed_admit(
            actor=provider, bed_id=bed.pk, id_number=idcard.make("110101", dt.date(1940, 1, 1), 123)
        )
    with pytest.raises(errors.AdmissionRefused, match="晚于今天"):
        services.bed_admit(
            actor=provider,
            bed_id=bed.pk,
            id_number=person.id_number,
            date=timezone.localdate() + dt.timedelta(days=1),
        )
    services.bed_admit(actor=provider, bed_id=bed.pk, id_number=person.id_number, date=dt.date(2026, 5, 1))
    services.bed_discharge(actor=provider, bed_id=bed.pk, reason="home", date=dt.date(2026, 6, 1))
    with pytest.raises(errors.AdmissionRefused, match="上一次离开"):
        services.bed_admit(
            actor=provider, bed_id=bed.pk, id_number=person.id_number, date=dt.date(2026, 5, 20)
        )


def test_planning_and_bed_api(client, town, operator, other_street_officer):
    home = place(town, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    provider = core_factories.user(role="provider", organisation=operator, username="api_bed_staff")
    bed = services.bed_create(actor=provider, facility_id=home.pk, number="1", bed_type="nursing")
    person = people_factories.elder(actor=town, name="入住丁")
    client.force_login(town)
    url = "/api/v1/coverage/map?region=310104003000&kind=day_care&radius=1000&k=3"
    body = client.get(url).json()
    assert body["suggestions"][0]["gain"] == 20 and body["communities"]
    bad = client.get(url + "&candidates=东,31.2,abc")
    assert bad.status_code == 422 and "候选点" in bad.json()["message"]
    indicators = client.get("/api/v1/facility-indicators?region=310104003000").json()
    assert indicators["total"]["beds_total"] == 1
    client.force_login(provider)
    admitted = client.post(
        f"/api/v1/beds/{bed.pk}/admit", {"id_number": person.id_number}, content_type="application/json"
    )
    assert admitted.status_code == 201, admitted.content
    twice = client.post(
        f"/api/v1/beds/{bed.pk}/admit", {"id_number": person.id_number}, content_type="application/json"
    )
    assert twice.status_code == 422 and "已有人入住" in twice.json()["message"]
    beds = client.get(f"/api/v1/facilities/{home.pk}/beds").json()
    assert beds[0]["occupied"] is True and "occupant" not in beds[0]
    unexplained = client.post(f"/api/v1/beds/{bed.pk}/discharge", {}, content_type="application/json")
    assert unexplained.status_code == 422
    discharged = client.post(
        f"/api/v1/beds/{bed.pk}/discharge", {"reason": "transfer"}, content_type="application/json"
    )
    assert discharged.status_code == 200 and discharged.json()["discharge_reason"] == "transfer"
    client.force_login(other_street_officer)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/facility-indicators?region=310104003000").status_code == 404
    assert client.get(f"/api/v1/facilities/{home.pk}/beds").status_code == 404


def test_public_boundaries_are_outlines_only(client):
    square = [[[121.43, 31.20], [121.45, 31.20], [121.45, 31.22], [121.43, 31.20]]]
    Region.objects.filter(code="310104003000").update(
        boundary={"type": "Polygon", "coordinates": square}, boundary_source="演示生成"
    )
    body = client.get("/api/v1/public/boundaries?parent=310104000000").json()
    assert body["type"] == "FeatureCollection"
    feature = next(f for f in body["features"] if f["properties"]["code"] == "310104003000")
    assert set(feature["properties"]) == {"code", "name", "source"}
    assert client.get("/api/v1/public/boundaries?parent=999999999999").status_code == 404


def test_staff_pages_are_scoped(client, town, operator, other_street_officer):
    home = place(town, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    client.force_login(town)
    assert client.get("/facilities/").status_code == 200
    assert "天平长者照护之家" in client.get("/facilities/").content.decode()
    assert client.get(f"/facilities/{home.pk}/").status_code == 200
    assert client.get("/facilities/coverage/?region=310104003000").status_code == 200
    page = client.get("/facilities/indicators/?region=310104003000").content.decode()
    assert "天平路街道" in page and "没有任何养老服务设施的居委会" in page
    client.force_login(other_street_officer)  # 湖南路街道
    assert "天平长者照护之家" not in client.get("/facilities/").content.decode()
    assert client.get(f"/facilities/{home.pk}/").status_code == 404
    assert client.get("/facilities/coverage/?region=310104003000").status_code == 404
    assert client.get("/facilities/indicators/?region=310104003000").status_code == 404
    assert client.get("/facilities/indicators/?region=310104004000").status_code == 200


def test_coordinates_outside_the_region_boundary_are_refused(street_officer, operator):
    half = 0.004
    ring = [
        [CENTRE[0] + dx * half, CENTRE[1] + dy * half]
        for dx, dy in [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    ]
    Region.objects.filter(code="310104003001").update(boundary={"type": "Polygon", "coordinates": [ring]})
    inside = place(street_officer, operator, "界内设施", "canteen", *CENTRE)
    with pytest.raises(errors.InvalidFacility, match=r"坐标不在.*GCJ-02"):
        place(street_officer, operator, "界外设施", "canteen", CENTRE[0] + 0.02, CENTRE[1])
    # BD-09 coordinates declared as such are converted and accepted; the same numbers taken as WGS-84 are not.
    bd_lng, bd_lat = geo.gcj02_to_bd09(*geo.wgs84_to_gcj02(*CENTRE))
    assert place(street_officer, operator, "百度坐标", "canteen", bd_lng, bd_lat, coordinate_system="bd09")
    with pytest.raises(errors.InvalidFacility, match="坐标不在"):
        place(street_officer, operator, "误作 WGS-84", "canteen", bd_lng, bd_lat)
    with pytest.raises(errors.InvalidFacility, match="坐标不在"):
        services.facility_update(
            actor=street_officer, facility_id=inside.pk, lng=CENTRE[0] + 0.02, lat=CENTRE[1]
        )
    updated = services.facility_update(
        actor=street_officer, facility_id=inside.pk, name="界内设施（改名）", meal_capacity=80
    )
    assert updated.name == "界内设施（改名）" and updated.lng == CENTRE[0]
    with pytest.raises(errors.InvalidFacility, match="负数"):
        services.facility_update(actor=street_officer, facility_id=inside.pk, meal_capacity=-1)


def test_register_and_edit_a_facility_by_api_and_page(client, street_officer, operator, other_street_officer):
    client.force_login(street_officer)
    g_lng, g_lat = geo.wgs84_to_gcj02(*CENTRE)
    payload = {
        "name": "天平社区长者食堂",
        "kind": "canteen",
        "operator_id": operator.pk,
        "operating_model": "public_private",
        "region_code": "310104003001",
        "lat": g_lat,
        "lng": g_lng,
        "coordinate_system": "gcj02",
        "meal_capacity": 120,
        "services": ["堂食", "送餐"],
    }
    made = client.post("/api/v1/facilities", payload, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["lng"], body["lat"]) == pytest.approx(CENTRE, abs=1e-6)
    bad = client.post("/api/v1/facilities", payload | {"meal_capacity": -3}, content_type="application/json")
    assert bad.status_code == 422 and "负数" in bad.json()["message"]
    swapped = client.post(
        "/api/v1/facilities",
        payload | {"lat": 121.4, "lng": 31.2, "coordinate_system": "wgs84"},
        content_type="application/json",
    )
    assert swapped.status_code == 422 and "填反" in swapped.json()["message"]
    patched = client.patch(
        f"/api/v1/facilities/{body['id']}", {"opening_hours": "10:30–13:00"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["opening_hours"] == "10:30–13:00"
    form = {
        "name": "天平日间照料中心",
        "kind": "day_care",
        "operator_id": operator.pk,
        "operating_model": "public",
        "region_code": "310104003001",
        "lng": CENTRE[0],
        "lat": CENTRE[1],
        "coordinate_system": "wgs84",
        "floor_area": "-5",
        "services": "日间照护，助浴、康复",
        "is_public": "on",
    }
    refused = client.post("/facilities/new/", form)
    assert refused.status_code == 422 and "不能为负数" in refused.content.decode()
    saved = client.post("/facilities/new/", form | {"floor_area": "450"})
    assert saved.status_code == 302
    from yanglao.facilities.models import Facility

    day_care = Facility.objects.for_user(street_officer).get(name="天平日间照料中心")
    assert day_care.services == ["日间照护", "助浴", "康复"] and day_care.is_public
    assert client.get(f"/facilities/{day_care.pk}/edit/").status_code == 200
    client.force_login(other_street_officer)
    assert (
        client.patch(
            f"/api/v1/facilities/{body['id']}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/facilities/{day_care.pk}/edit/").status_code == 404


def test_walking_distance_over_an_operators_road_file(town, client, settings, tmp_path, capsys):
    # One road along the latitude of the centre, then north: the far group (2 km east) walks further.
    road = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[CENTRE[0] - 0.01, CENTRE[1]], [CENTRE[0] + 0.03, CENTRE[1]]],
                },
            }
        ],
    }
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps(road), encoding="utf-8")
    roads = selectors.road_network(str(path))
    walk = selectors.coverage_report(
        user=town, region_code="310104003000", kind="day_care", radius=1000, roads=roads
    )
    assert walk.covered == 30  # the near group walks a few hundred metres
    wide = selectors.coverage_report(
        user=town, region_code="310104003000", kind="day_care", radius=2500, roads=roads
    )
    straight = selectors.coverage_report(user=town, region_code="310104003000", kind="day_care", radius=2500)
    assert wide.covered <= straight.covered == 50
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("net_root", password="Root-password-1")
    call_command(
        "coverage", "--region", "310104003000", "--kind", "day_care", "--network", str(path), "--json"
    )
    assert json.loads(capsys.readouterr().out)["covered"] == 30
    client.force_login(town)
    url = "/api/v1/coverage?region=310104003000&kind=day_care&radius=1000&distance=network"
    settings.ROAD_NETWORK_FILE = ""
    refused = client.get(url)
    assert refused.status_code == 422 and "未配置道路网络" in refused.json()["message"]
    settings.ROAD_NETWORK_FILE = str(path)
    assert client.get(url).json()["covered"] == 30
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(CommandError, match="没有线要素"):
        call_command(
            "coverage",
            "--region",
            "310104003000",
            "--kind",
            "day_care",
            "--network",
            str(tmp_path / "empty.geojson"),
        )


def test_beds_by_api_including_a_family_care_bed(client, street_officer, operator):
    home = place(street_officer, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    provider = core_factories.user(role="provider", organisation=operator, username="bed_api_staff")
    person = people_factories.elder(actor=street_officer, name="家床老人乙")
    client.force_login(provider)
    url = f"/api/v1/facilities/{home.pk}/beds"
    made = client.post(
        url, {"number": "1", "room": "201", "bed_type": "cognitive"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["bed_type"] == "cognitive"
    twice = client.post(url, {"number": "1", "room": "201"}, content_type="application/json")
    assert twice.status_code == 422 and "已登记" in twice.json()["message"]
    blank = client.post(url, {"number": "  "}, content_type="application/json")
    assert blank.status_code == 422 and "床号" in blank.json()["message"]
    family = client.post(
        url,
        {"number": "家1", "bed_type": "nursing", "home_id_number": person.id_number},
        content_type="application/json",
    )
    assert family.status_code == 201 and family.json()["family_bed"] is True
    unknown = client.post(
        url,
        {"number": "家2", "home_id_number": idcard.make("110101", dt.date(1941, 2, 3), 5)},
        content_type="application/json",
    )
    assert unknown.status_code == 422 and "没有此人" in unknown.json()["message"]
    assert "家床老人乙" not in family.content.decode()


@pytest.mark.parametrize(
    ("number", "expiry", "status"),
    [
        ("", None, "未登记"),
        ("沪徐民养1", None, "有效"),
        ("沪徐民养1", dt.date(2025, 12, 31), "已过期"),
        ("沪徐民养1", dt.date(2026, 1, 1), "即将到期"),
        ("沪徐民养1", dt.date(2026, 4, 1), "即将到期"),  # 90 days ahead
        ("沪徐民养1", dt.date(2026, 4, 2), "有效"),
    ],
)
def test_licence_status_is_derived(number, expiry, status):
    from yanglao.facilities.models import Facility

    facility = Facility(licence_no=number, licence_expiry=expiry)
    assert facility.licence_state(today=dt.date(2026, 1, 1)).label == status


def test_home_panel_counts_the_users_beds(client, town, operator):
    home = place(town, operator, "天平长者照护之家", "elder_care_home", *CENTRE, licence_no="沪徐民养9")
    services.facility_update(actor=town, facility_id=home.pk, licence_expiry=dt.date(2020, 1, 1))
    provider = core_factories.user(role="provider", organisation=operator, username="panel_staff")
    for n in range(3):
        services.bed_create(actor=provider, facility_id=home.pk, number=str(n))
    client.force_login(provider)
    assert "/facilities/panel/" in client.get("/").content.decode()
    panel = client.get("/facilities/panel/").content.decode()
    assert "天平长者照护之家</a>：床位 3，入住 0，空余 3" in panel and "已过期" in panel


def test_bed_pages_refuse_a_bad_date_instead_of_using_today(client, street_officer, operator):
    home = place(street_officer, operator, "天平长者照护之家", "elder_care_home", *CENTRE)
    provider = core_factories.user(role="provider", organisation=operator, username="date_staff")
    bed = services.bed_create(actor=provider, facility_id=home.pk, number="1")
    person = people_factories.elder(actor=street_officer, name="日期老人")
    client.force_login(provider)
    url = f"/facilities/{home.pk}/beds/{bed.pk}/"
    client.post(url + "admit/", {"id_number": person.id_number, "date": "2026-13-45"})
    assert Bed.objects.unscoped(reason="test").get(pk=bed.pk).occupant_id is None
    client.post(url + "admit/", {"id_number": person.id_number, "date": "2026-02-01"})
    page = client.post(url + "discharge/", {"date": "明天", "reason": "home"}).content.decode()
    assert "离开日期格式应为" in page
    assert Bed.objects.unscoped(reason="test").get(pk=bed.pk).occupant_id == person.pk


def test_standards_are_judged_in_the_selector():
    checked = {
        s["key"]: s["met"]
        for s in selectors.standards_check({"beds_per_1000_elders": 35.0, "nursing_share": 0.59})
    }
    assert checked == {
        "beds_per_1000_elders": True,  # at the target is met
        "nursing_share": False,
        "floor_area_per_1000_residents": None,  # no value: not judged
        "floor_area_per_resident": None,
    }
