"""What answers say about themselves: no-store wherever personal data may be, and no server name."""

import io

import pytest
from django.core.management import call_command

from yanglao.core import services

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_of_a_signed_in_user_are_not_stored(client, street_officer):
    client.force_login(street_officer)
    for url in ["/", "/elders/", "/elders/export/?format=csv", "/organisations/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response) and "private" in response["Cache-Control"], url


def test_every_api_answer_is_not_stored(client, street_officer):
    _, secret = services.api_token_create(actor=street_officer, name="脚本")
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and no_store(answer)
    assert no_store(client.get("/api/v1/me"))  # the 401
    assert no_store(client.get("/api/v1/public/facilities"))


def test_static_files_keep_their_cache(client, street_officer):
    client.force_login(street_officer)
    response = client.get("/static/css/yanglao.css")
    assert response.status_code == 200 and not no_store(response)


def test_serve_hides_the_server_name_and_reads_no_proxy_header_itself(monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    call_command("serve", no_worker=True, stdout=io.StringIO())
    assert seen["server_header"] is False
    assert seen["proxy_headers"] is False  # X-Forwarded-For is ours to judge (YANGLAO_TRUSTED_PROXIES)
