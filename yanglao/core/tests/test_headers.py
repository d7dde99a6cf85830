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


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.7", "6.6.6.6", "203.0.113.7"),  # not a proxy: its header is ignored
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # right-most untrusted hop
        ("10.0.0.2", "198.51.100.9, 10.0.0.5", "198.51.100.9"),  # a second proxy of ours is skipped
        ("10.0.0.2", "198.51.100.9:5123", "198.51.100.9"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "6.6.6.6, not-an-address", "10.0.0.2"),  # our proxy wrote garbage: nothing to believe
        ("::1", "198.51.100.9", "198.51.100.9"),
    ],
)
def test_client_address(settings, remote, forwarded, client):
    from yanglao.core.middleware import client_address

    settings.YANGLAO_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}) == client
