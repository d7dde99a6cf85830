"""Rows for API-wide tests, made through the API itself so core's tests need no other app's code: an
operator, three people, a care home with two beds, one occupied, all in the officer's committee."""

from __future__ import annotations

import datetime as dt
import itertools

from django.test import Client

from yanglao.core import idcard
from yanglao.core.models import User
from yanglao.core.testing import factories

COMMITTEE = "310104003001"
_sequence = itertools.count(501)


def elder_body(**overrides) -> dict:
    n = next(_sequence)
    return {
        "name": "接口测试老人",
        "id_number": idcard.make("310104", dt.date(1941, 3, 1 + n % 27), n % 999),
        "region_code": COMMITTEE,
        "living_arrangement": "alone",
        "economic_status": "general",
        "phone": f"139{n:08d}",
        "address": "上海市徐汇区天平路 1 号",
    } | overrides


def facility_body(operator_id: int, **overrides) -> dict:
    return {
        "name": "天平长者照护之家",
        "kind": "elder_care_home",
        "operator_id": operator_id,
        "operating_model": "public",
        "region_code": COMMITTEE,
        "lat": 31.2075,
        "lng": 121.444,
    } | overrides


def _created(response) -> dict:
    assert response.status_code == 201, response.content
    return response.json()


def seed(officer: User) -> dict[str, list]:
    """The rows' ids by the path parameter that names them."""
    client = Client()
    client.force_login(officer)
    operator = factories.organisation(region_code=COMMITTEE, name="天平综合为老服务中心")
    people = [elder_body() for _ in range(3)]
    elders = [_created(client.post("/api/v1/elders", p, content_type="application/json")) for p in people]
    home = _created(
        client.post(
            "/api/v1/facilities", facility_body(operator.pk, floor_area=500), content_type="application/json"
        )
    )
    staff = factories.user(role="provider", organisation=operator, username="api_rows_provider")
    client.force_login(staff)
    beds = [
        _created(
            client.post(
                f"/api/v1/facilities/{home['id']}/beds", {"number": str(n)}, content_type="application/json"
            )
        )
        for n in (1, 2)
    ]
    _created(
        client.post(
            f"/api/v1/beds/{beds[0]['id']}/admit",
            {"id_number": people[0]["id_number"]},
            content_type="application/json",
        )
    )
    return {
        "elder_id": [e["id"] for e in elders],
        "organisation_id": [operator.pk],
        "facility_id": [home["id"]],
        "bed_id": [b["id"] for b in beds],
        "code": ["310104003000", COMMITTEE],
    }
