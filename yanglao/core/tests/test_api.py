"""The API: one Chinese error envelope, 422 for bad input, the same 404 for missing and out of scope."""

import pytest

from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db
NEW = {"name": "天平路街道长者食堂", "kind": "canteen", "region_code": "310104003001"}


@pytest.fixture
def api(client, street_officer):
    client.force_login(street_officer)
    return client


def test_list_is_scoped_and_keyset_paginated(api):
    mine = [factories.organisation(region_code="310104003001") for _ in range(3)]
    factories.organisation(region_code="310104004001", name="湖南路的")
    first = api.get("/api/v1/organisations?limit=2").json()
    assert [o["id"] for o in first["items"]] == [mine[0].pk, mine[1].pk]
    rest = api.get(f"/api/v1/organisations?limit=2&after={first['next']}").json()
    assert [o["id"] for o in rest["items"]] == [mine[2].pk] and rest["next"] == ""
    assert all(o["region_code"].startswith("310104003") for o in first["items"] + rest["items"])
    bad = api.get("/api/v1/organisations?after=not-a-cursor")
    assert bad.status_code == 422 and "翻页位置无效" in bad.json()["message"]


def test_create_and_patch(api):
    created = api.post("/api/v1/organisations", NEW, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind_label"] == "社区长者食堂"
    patched = api.patch(
        f"/api/v1/organisations/{body['id']}", {"address": "天平路 2 号"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["address"] == "天平路 2 号"


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({**NEW, "credit_code": "91350100M000100Y44"}, "credit_code", "校验位"),
        ({**NEW, "region_code": "310104999999"}, "region_code", "不存在"),
        ({**NEW, "region_code": "310104004001"}, "region_code", "管辖范围"),
        ({**NEW, "kind": "spaceship"}, "kind", "取值无效"),
        ({"kind": "canteen", "region_code": "310104003001"}, "name", "必填"),
        ({**NEW, "lat": "north"}, "lat", "应为数字"),
        ({**NEW, "licence_expiry": "2026-02-30"}, "licence_expiry", "日期"),
    ],
)
def test_bad_input_is_422_with_chinese_message(api, payload, field, text):
    response = api.post("/api/v1/organisations", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert field in body["fields"] and text in body["fields"][field]


def test_malformed_json_is_422_not_500(api):
    response = api.post("/api/v1/organisations", "{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["message"] == "请求体不是有效的 JSON"


def test_missing_and_out_of_scope_are_the_same_404(api):
    foreign = factories.organisation(region_code="310104004001")
    missing = api.get("/api/v1/organisations/999999")
    hidden = api.get(f"/api/v1/organisations/{foreign.pk}")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    assert (
        api.patch(
            f"/api/v1/organisations/{foreign.pk}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert api.get("/api/v1/regions/310104004000").status_code == 404


def test_region_children_with_counts(api):
    factories.organisation(region_code="310104003001")
    rows = api.get("/api/v1/regions/310104003000/children").json()
    counts = {r["code"]: r["organisations"] for r in rows}
    assert counts["310104003001"] == 1 and len(rows) > 10


def test_unauthenticated_is_401_in_chinese(client):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401 and "登录" in response.json()["message"]


def test_openapi_schema_is_served(api):
    assert api.get("/api/v1/openapi.json").json()["info"]["title"] == "养老服务综合平台 API"
