"""Password rules in Chinese on every path, and changing one's own password (sessions end, tokens optional)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from yanglao.core import errors, services
from yanglao.core.models import ApiToken
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db
NEW = "Tianping-2027-x"


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and "password" not in text.lower()


@pytest.mark.parametrize("password", ["short1", "password", "1234567890123", "street2026"])
def test_every_rule_answers_in_chinese_even_without_a_request_language(password, street_officer):
    with translation.override(None):  # a command line or task: no language activated
        with pytest.raises(ValidationError) as caught:
            validate_password(password, street_officer)
        assert caught.value.messages and all(is_chinese(m) for m in caught.value.messages), (
            caught.value.messages
        )
        with pytest.raises(errors.WeakPassword) as refused:
            services.user_create(
                actor=None,
                username="street2026",
                password=password,
                role="gov_admin",
                region_codes=["310104000000"],
            )
        assert is_chinese(refused.value.message) and refused.value.code == "core.weak_password"


def test_too_short_names_the_length(street_officer):
    with pytest.raises(ValidationError) as caught:
        validate_password("abc12", street_officer)
    assert "密码太短，至少需要 10 个字符。" in caught.value.messages


def test_change_checks_the_current_password_and_the_rules(street_officer):
    with pytest.raises(errors.WrongPassword):
        services.user_change_password(actor=street_officer, old="not-it-123", new=NEW)
    with pytest.raises(errors.WeakPassword) as weak:
        services.user_change_password(actor=street_officer, old=factories.PASSWORD, new="short1")
    assert "new" in weak.value.fields and "太短" in weak.value.fields["new"]
    with pytest.raises(errors.WeakPassword):
        services.user_change_password(actor=street_officer, old=factories.PASSWORD, new=factories.PASSWORD)
    street_officer.refresh_from_db()
    assert street_officer.check_password(factories.PASSWORD)


def test_change_revokes_tokens_only_when_asked(street_officer, other_street_officer):
    mine = [services.api_token_create(actor=street_officer, name=f"脚本{n}")[0] for n in range(2)]
    theirs, _ = services.api_token_create(actor=other_street_officer, name="别人的")
    assert services.user_change_password(actor=street_officer, old=factories.PASSWORD, new=NEW) == 0
    assert ApiToken.objects.filter(user=street_officer, revoked_at__isnull=True).count() == 2
    revoked = services.user_change_password(actor=street_officer, old=NEW, new=NEW + "9", revoke_tokens=True)
    assert revoked == 2
    assert not ApiToken.objects.filter(pk__in=[t.pk for t in mine], revoked_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_keeps_this_session_and_ends_the_others(client, street_officer):
    elsewhere = Client()
    elsewhere.force_login(street_officer)
    assert elsewhere.get("/").status_code == 200
    client.force_login(street_officer)
    page = client.get("/account/password/")
    assert page.status_code == 200 and "当前密码" in page.content.decode()
    mismatch = client.post("/account/password/", {"old": factories.PASSWORD, "new": NEW, "again": NEW + "x"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.content.decode()
    wrong = client.post("/account/password/", {"old": "nope-12345", "new": NEW, "again": NEW})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.content.decode()
    weak = client.post("/account/password/", {"old": factories.PASSWORD, "new": "abc12", "again": "abc12"})
    assert weak.status_code == 422 and "密码太短" in weak.content.decode()
    done = client.post("/account/password/", {"old": factories.PASSWORD, "new": NEW, "again": NEW})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200  # still signed in here
    assert elsewhere.get("/").status_code == 302  # signed out everywhere else
    street_officer.refresh_from_db()
    assert street_officer.check_password(NEW)


def test_the_change_is_audited_without_the_password(client, street_officer):
    from auditlog.models import LogEntry

    services.user_change_password(actor=street_officer, old=factories.PASSWORD, new=NEW)
    entry = LogEntry.objects.filter(additional_data__event="password.change").get()
    assert entry.actor == street_officer and NEW not in str(entry.changes) + str(entry.additional_data)


def test_the_user_menu_links_to_the_page(client, street_officer):
    client.force_login(street_officer)
    assert 'href="/account/password/"' in client.get("/").content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/account/password/")
    assert response.status_code == 302 and "/login/" in response["Location"]
