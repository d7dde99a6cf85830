"""The API's edges: tokens write without CSRF while sessions keep it; bad values and bad bodies answer 422
in the Chinese envelope, unknown addresses and crashes answer JSON; the document declares the errors."""

from __future__ import annotations

import pytest
from django.test import Client

from yanglao.core import services
from yanglao.core.models import Organisation
from yanglao.core.testing import api_rows

pytestmark = pytest.mark.django_db
ORGANISATION = {"name": "天平路街道长者食堂", "kind": "canteen", "region_code": api_rows.COMMITTEE}


@pytest.fixture
def rows(street_officer):
    ids = api_rows.seed(street_officer)
    return {
        "operator": Organisation.objects.unscoped(reason="test set-up").get(pk=ids["organisation_id"][0]),
        "facility": ids["facility_id"][0],
        "elder": ids["elder_id"][0],
    }


@pytest.fixture
def api(client, street_officer):
    client.force_login(street_officer)
    return client


def facility_body(rows, **overrides):
    return api_rows.facility_body(rows["operator"].pk, name="天平长者照护之家二部") | overrides


def elder_body(**overrides):
    return api_rows.elder_body(**overrides)


def assert_envelope_422(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    for text in [body["message"], *body["fields"].values()]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), body
        assert "should" not in text and "Input" not in text, body  # no pydantic English
    return body


ELDER_NULLS = ["name", "living_arrangement", "economic_status", "address", "phone", "family_doctor_signed"]
FACILITY_NULLS = [
    "name",
    "address",
    "phone",
    "opening_hours",
    "licence_no",
    "open_to_community",
    "oxygen_supply",
    "is_public",
    "services",
    "operator_id",
    "lat",
]


@pytest.mark.parametrize("field", ELDER_NULLS)
def test_null_in_an_elder_is_422(api, rows, field):
    assert_envelope_422(
        api.post("/api/v1/elders", elder_body(**{field: None}), content_type="application/json")
    )
    url = f"/api/v1/elders/{rows['elder']}"
    assert_envelope_422(api.patch(url, {field: None}, content_type="application/json"))


@pytest.mark.parametrize("field", FACILITY_NULLS)
def test_null_in_a_facility_is_422(api, rows, field):
    made = api.post(
        "/api/v1/facilities", facility_body(rows, **{field: None}), content_type="application/json"
    )
    assert_envelope_422(made)
    url = f"/api/v1/facilities/{rows['facility']}"
    assert_envelope_422(api.patch(url, {field: None}, content_type="application/json"))


@pytest.mark.parametrize("field", ["name", "kind", "region_code", "address", "is_active", "licence_no"])
def test_null_in_an_organisation_patch_is_422(api, rows, field):
    url = f"/api/v1/organisations/{rows['operator'].pk}"
    assert_envelope_422(api.patch(url, {field: None}, content_type="application/json"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("floor_area", 1e308), ("floor_area", -1), ("meal_capacity", 10**30), ("star_level", 9), ("lat", 1e308)],
)
def test_out_of_range_numbers_in_a_facility_are_422(api, rows, field, value):
    made = api.post(
        "/api/v1/facilities", facility_body(rows, **{field: value}), content_type="application/json"
    )
    assert_envelope_422(made)
    url = f"/api/v1/facilities/{rows['facility']}"
    assert_envelope_422(api.patch(url, {field: value}, content_type="application/json"))


@pytest.mark.parametrize("raw", ['{"floor_area": NaN}', '{"floor_area": Infinity}', '{"lat": -Infinity}'])
def test_nan_and_infinity_are_422(api, rows, raw):
    url = f"/api/v1/facilities/{rows['facility']}"
    assert_envelope_422(api.patch(url, raw, content_type="application/json"))


@pytest.mark.parametrize("raw", ["[]", "null", '"text"', "42", "true"])
def test_a_body_that_is_not_an_object_is_422(api, rows, raw):
    for method, url in [
        (api.post, "/api/v1/elders"),
        (api.patch, f"/api/v1/elders/{rows['elder']}"),
        (api.post, "/api/v1/facilities"),
        (api.patch, f"/api/v1/facilities/{rows['facility']}"),
        (api.post, "/api/v1/organisations"),
        (api.patch, f"/api/v1/organisations/{rows['operator'].pk}"),
        (api.post, "/api/v1/assessments/score"),
    ]:
        body = assert_envelope_422(method(url, raw, content_type="application/json"))
        assert body["code"] in {"api.invalid_body", "api.invalid_input"}, (url, raw, body)


# ---------------------------------------------------------------- CSRF: tokens exempt, sessions not


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("header", ["Authorization", "X-API-Token"])
def test_a_token_writes_without_csrf(strict_client, street_officer, header):
    _, secret = services.api_token_create(actor=street_officer, name="脚本")
    credentials = {header: f"Bearer {secret}" if header == "Authorization" else secret}
    made = strict_client.post(
        "/api/v1/organisations", ORGANISATION, content_type="application/json", headers=credentials
    )
    assert made.status_code == 201, made.content
    patched = strict_client.patch(
        f"/api/v1/organisations/{made.json()['id']}",
        {"address": "天平路 2 号"},
        content_type="application/json",
        headers=credentials,
    )
    assert patched.status_code == 200, patched.content


def test_a_session_write_needs_the_csrf_token(strict_client, street_officer):
    strict_client.force_login(street_officer)
    refused = strict_client.post("/api/v1/organisations", ORGANISATION, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "api.csrf_failed" and "CSRF" in refused.json()["message"]
    assert strict_client.get("/api/v1/me").status_code == 200  # reads need no token
    strict_client.get("/")  # a page sets the CSRF cookie, as the browser's first visit does
    token = strict_client.cookies["csrftoken"].value
    made = strict_client.post(
        "/api/v1/organisations", ORGANISATION, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert made.status_code == 201, made.content


def test_a_bad_token_with_no_session_is_401_not_a_csrf_refusal(strict_client):
    response = strict_client.post(
        "/api/v1/organisations",
        ORGANISATION,
        content_type="application/json",
        headers={"X-API-Token": "ylk_no"},
    )
    assert response.status_code == 401 and response.json()["code"] == "api.unauthenticated"


# ---------------------------------------------------------------- JSON, never HTML


def test_an_unknown_api_address_is_json_404(api):
    for url in ["/api/v1/nope", "/api/v1/elders/1/nope", "/api/v2/", "/api/"]:
        response = api.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), url
        assert (
            response.json()["code"] == "api.no_such_endpoint" and "接口不存在" in response.json()["message"]
        )


def test_a_crash_in_the_api_is_json_500(api, monkeypatch):
    from yanglao.core import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "region_get", broken)
    response = api.get("/api/v1/regions/310104003000")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "api.server_error",
        "message": "服务器内部错误，已记录，请稍后重试",
        "fields": {},
    }


def test_the_document_declares_the_error_answers(api):
    document = api.get("/api/v1/openapi.json").json()
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == {"code", "message", "fields"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"404", "422"} | ({"401", "403"} if operation.get("security") else set())
            assert expected <= set(operation["responses"]), (method, path)
            assert operation["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }


def test_a_patch_may_leave_fields_out_and_clear_nullable_ones(api, rows):
    url = f"/api/v1/facilities/{rows['facility']}"
    set_area = api.patch(url, {"floor_area": 250.5, "star_level": 3}, content_type="application/json")
    assert set_area.status_code == 200, set_area.content
    cleared = api.patch(url, {"floor_area": None, "star_level": None}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["star_level"] is None
    assert cleared.json()["name"] == "天平长者照护之家"
    assert api.get(url + "/beds").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "raw"),
    [
        ("get", "/api/v1/facilities?kind=a%00b", None),
        ("get", "/api/v1/regions/3101%0004003000", None),
        (
            "post",
            "/api/v1/organisations",
            '{"name": "a\\u0000b", "kind": "canteen", "region_code": "310104003001"}',
        ),
        ("patch", "/api/v1/facilities/{facility}", '{"services": ["\\u0000"]}'),
    ],
)
def test_a_nul_character_anywhere_is_422_not_a_database_error(api, rows, method, url, raw):
    """PostgreSQL text and jsonb cannot hold NUL: refused before any view, on SQLite and PostgreSQL alike."""
    url = url.format(facility=rows["facility"])
    response = getattr(api, method)(url, raw, content_type="application/json") if raw else api.get(url)
    body = assert_envelope_422(response)
    assert "NUL" in body["message"]


def test_an_escaped_backslash_before_u0000_is_plain_text(api, rows):
    url = f"/api/v1/facilities/{rows['facility']}"
    response = api.patch(url, '{"opening_hours": "\\\\u0000"}', content_type="application/json")
    assert response.status_code == 200 and response.json()["opening_hours"] == "\\u0000"


def test_a_page_refuses_nul_in_the_query(api):
    response = api.get("/organisations/?q=%00")
    assert response.status_code == 400 and "NUL" in response.content.decode()
