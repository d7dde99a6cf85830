"""Login in Chinese, lock-out, idle expiry, password rules, API tokens and per-role home pages."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from yanglao.core import services
from yanglao.core.choices import Role
from yanglao.core.models import ApiToken
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.8")


def test_login_page_is_chinese_and_protected_by_csrf(client):
    page = client.get("/login/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "账号登录" in text and "csrfmiddlewaretoken" in text
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "x", "password": "y"}).status_code == 403


def test_wrong_password_says_so_in_chinese_then_locks_out(client, street_officer):
    response = login(client, "street", "wrong-password-1")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "street", "wrong-password-1")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "street", factories.PASSWORD).status_code == 429


def test_successful_login_lands_on_the_role_home(client, street_officer):
    response = login(client, "street", factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "民政工作人员工作台" in home and "天平路街道" in home


def test_sessions_expire_when_idle():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_anonymous_pages_redirect_to_login(client):
    for url in ("/", "/organisations/", "/regions/", "/audit/", "/account/tokens/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_roles_without_permission_get_403(client):
    family = factories.user(role=Role.FAMILY)
    client.force_login(family)
    assert client.get("/organisations/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", [r for r in Role])
def test_every_role_has_a_home_page(client, role, provider_org):
    kwargs = {}
    from yanglao.core import roles

    if role in roles.ORGANISATION_ROLES:
        kwargs["organisation"] = provider_org
    if role in roles.REGION_ROLES:
        kwargs["regions"] = ["310104003000"]
    client.force_login(factories.user(role=role, **kwargs))
    page = client.get("/").content.decode()
    assert f"{Role(role).label}工作台" in page


def test_api_token_authenticates_scripts_and_can_be_revoked(client, street_officer):
    token, secret = services.api_token_create(actor=street_officer, name="夜间同步", days=30)
    assert ApiToken.objects.get(pk=token.pk).key_hash != secret  # only the hash is stored
    assert client.get("/api/v1/me").status_code == 401
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "street"
    assert client.get("/api/v1/me", headers={"X-API-Token": secret}).status_code == 200
    services.api_token_revoke(actor=street_officer, token_id=token.pk)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_expired_and_foreign_tokens_fail(client, street_officer, other_street_officer):
    token, secret = services.api_token_create(actor=street_officer, name="短期", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer ylk_forged"}).status_code == 401
    with pytest.raises(services.errors.DomainError):
        services.api_token_revoke(actor=other_street_officer, token_id=token.pk)


def test_token_page_shows_the_secret_once(client, street_officer):
    client.force_login(street_officer)
    page = client.post("/account/tokens/", {"name": "报表脚本", "days": "90"}).content.decode()
    assert "ylk_" in page
    assert "ylk_" not in client.get("/account/tokens/").content.decode().replace("ylk_…", "")
    assert client.post("/account/tokens/", {"name": "", "days": "90"}).status_code == 422


# ---------------------------------------------------------------- the client's address behind proxies


def login_via(client, password, *, remote, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/login/", {"username": "street", "password": password}, REMOTE_ADDR=remote, headers=headers
    )


def test_lock_out_message_names_the_wait_in_chinese(client, street_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "street", "wrong-password-1")
    text = response.content.decode()
    assert response.status_code == 429 and "请 15 分钟后再试" in text and "PT15M" not in text


def test_rotating_x_forwarded_for_does_not_escape_lock_out(client, street_officer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_via(client, "wrong-password-1", remote="203.0.113.7", forwarded=f"198.51.100.{n}")
    refused = login_via(client, factories.PASSWORD, remote="203.0.113.7", forwarded="198.51.100.200")
    assert refused.status_code == 429


def test_a_trusted_proxy_forwards_the_client_address(client, street_officer, settings):
    settings.YANGLAO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_via(client, "wrong-password-1", remote="10.0.0.2", forwarded="6.6.6.6, 198.51.100.9, 10.0.0.3")
    # The client 198.51.100.9 is locked (the forged left-most 6.6.6.6 is ignored) ...
    assert (
        login_via(client, factories.PASSWORD, remote="10.0.0.2", forwarded="198.51.100.9").status_code == 429
    )
    # ... another client behind the same proxy is not.
    other = login_via(client, factories.PASSWORD, remote="10.0.0.2", forwarded="198.51.100.10")
    assert other.status_code == 302


def test_the_audit_records_the_real_client_address(client, street_officer, settings):
    from auditlog.models import LogEntry

    client.force_login(street_officer)
    organisation = {"name": "天平路街道长者食堂", "kind": "canteen", "region_code": "310104003001"}

    def create(name, **extra):
        response = client.post(
            "/api/v1/organisations", organisation | {"name": name}, content_type="application/json", **extra
        )
        assert response.status_code == 201, response.content
        entries = LogEntry.objects.filter(content_type__model="organisation")
        return entries.get(object_pk=str(response.json()["id"]))

    forged = create("食堂甲", REMOTE_ADDR="203.0.113.7", headers={"X-Forwarded-For": "6.6.6.6"})
    assert forged.remote_addr == "203.0.113.7"
    settings.YANGLAO_TRUSTED_PROXIES = ["10.0.0.2"]
    proxied = create("食堂乙", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.9"})
    assert proxied.remote_addr == "198.51.100.9"
