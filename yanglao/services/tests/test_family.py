"""Family accounts (家属绑定): invitation codes (wrong, expired, used, locked), direct links, and the scope a
family account gets: its linked people only, in the list, the detail, the API and the export."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from yanglao.core import navigation
from yanglao.core.testing import factories
from yanglao.people import errors, familycodes, services
from yanglao.people.models import FamilyInvitation, FamilyLink
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def advisor(db):
    return factories.user(role="advisor", regions=["310104003000"], username="community_advisor")


@pytest.fixture
def daughter(db):
    return factories.user(role="family", username="daughter")


@pytest.fixture
def father(street_officer):
    return people_factories.elder(actor=street_officer, name="张父亲")


@pytest.fixture
def stranger(street_officer):
    return people_factories.elder(actor=street_officer, name="别人家老人")


def test_invite_then_join_links_once(advisor, daughter, father):
    invitation, code = services.family_invite(actor=advisor, elder_id=father.pk)
    assert familycodes.well_formed(familycodes.normalise(code)) and code[3] == "-"
    assert invitation.code_hash != familycodes.normalise(code)  # only a keyed hash is stored
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=13)
    link = services.family_join(actor=daughter, code=code.lower().replace("-", " "), relation="daughter")
    assert link.elder == father and link.active and link.user == daughter
    invitation.refresh_from_db()
    assert invitation.used_by == daughter and invitation.used_at


def test_wrong_expired_and_used_codes_each_refused_with_own_code(advisor, daughter, father):
    with pytest.raises(errors.FamilyCodeInvalid) as wrong:
        services.family_join(actor=daughter, code="AAA-AAAA", relation="son")
    assert wrong.value.code == "people.family_code_invalid"
    _inv, code = services.family_invite(actor=advisor, elder_id=father.pk)
    with pytest.raises(errors.FamilyCodeExpired) as expired:
        services.family_join(
            actor=daughter, code=code, relation="son", now=timezone.now() + dt.timedelta(days=15)
        )
    assert expired.value.code == "people.family_code_expired"
    services.family_join(actor=daughter, code=code, relation="son")
    other = factories.user(role="family")
    with pytest.raises(errors.FamilyCodeUsed) as used:
        services.family_join(actor=other, code=code, relation="son")
    assert used.value.code == "people.family_code_used"


def test_five_wrong_tries_lock_redeeming_for_15_minutes(advisor, daughter, father):
    _inv, code = services.family_invite(actor=advisor, elder_id=father.pk)
    now = timezone.now()
    for n in range(5):
        with pytest.raises(errors.FamilyCodeInvalid):
            services.family_join(
                actor=daughter, code="BBB-BBBB", relation="son", now=now + dt.timedelta(minutes=n)
            )
    with pytest.raises(errors.FamilyJoinLocked) as locked:
        services.family_join(actor=daughter, code=code, relation="son", now=now + dt.timedelta(minutes=6))
    assert locked.value.code == "people.family_join_locked"
    # another account is not locked, and the lock ends 15 minutes after the fifth try
    link = services.family_join(actor=daughter, code=code, relation="son", now=now + dt.timedelta(minutes=20))
    assert link.active


def test_only_community_staff_invite_and_link(daughter, father, district_officer, street_officer, advisor):
    with pytest.raises(PermissionDenied):
        services.family_invite(actor=daughter, elder_id=father.pk)
    with pytest.raises(PermissionDenied):
        services.family_invite(
            actor=district_officer, elder_id=father.pk
        )  # the district admin holds no grant
    district_clerk = factories.user(role="government", regions=["310104000000"])
    with pytest.raises(errors.InvalidFamilyLink) as district:
        services.family_invite(actor=district_clerk, elder_id=father.pk)
    assert district.value.code == "people.family_not_community"
    link = services.family_link(
        actor=street_officer, elder_id=father.pk, username="daughter", relation="daughter"
    )
    assert link.active
    with pytest.raises(errors.InvalidFamilyLink) as unknown:
        services.family_link(actor=advisor, elder_id=father.pk, username="advisor_x", relation="son")
    assert unknown.value.code == "people.family_account_unknown"
    services.family_unlink(actor=advisor, link_id=link.pk)
    assert not FamilyLink.objects.unscoped(reason="test").get(pk=link.pk).active


def test_out_of_scope_staff_cannot_invite(other_street_officer, father):
    with pytest.raises(Exception) as exc:
        services.family_invite(actor=other_street_officer, elder_id=father.pk)
    assert getattr(exc.value, "code", "") in ("core.not_found", "people.family_not_community") or isinstance(
        exc.value, PermissionDenied
    )
    assert not FamilyInvitation.objects.unscoped(reason="test").exists()


def test_family_sees_only_linked_people_everywhere(client, street_officer, daughter, father, stranger):
    services.family_link(actor=street_officer, elder_id=father.pk, username="daughter", relation="daughter")
    client.force_login(daughter)
    page = client.get("/elders/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "张父亲" in html and "别人家老人" not in html
    assert client.get(f"/elders/{father.pk}/").status_code == 200
    assert client.get(f"/elders/{stranger.pk}/").status_code == 404
    api = client.get("/api/v1/elders")
    assert api.status_code == 200
    body = api.json()
    rows = body["items"] if isinstance(body, dict) else body
    assert [row["id"] for row in rows] == [father.pk]
    assert client.get(f"/api/v1/elders/{stranger.pk}").status_code == 404
    assert client.get("/elders/export/").status_code in (403, 404)  # no export permission


def test_family_navigation_shows_only_family_pages(daughter, street_officer):
    names = {item["name"] for item in navigation.items_for(daughter)}
    assert names == {
        "services:family_home",
        "services:family_order_new",
        "services:family_plans",
        "people:family_join",
        "benefits:family_benefits",
        "ltc:family",
    }
    staff = {item["name"] for item in navigation.items_for(street_officer)}
    assert "services:family_home" not in staff and "people:elder_list" in staff


def test_family_lands_on_its_home_and_panel_shows_code(client, daughter, advisor, father):
    client.force_login(daughter)
    home = client.get("/").content.decode()
    assert "/family/panel/" in home and "/elders/counts/" not in home  # only the family's panel
    client.force_login(advisor)
    panel = client.post(f"/elders/{father.pk}/family/invite/")
    assert panel.status_code == 200 and "邀请码" in panel.content.decode()
    assert 'data-testid="family-code"' in panel.content.decode()
    again = client.get(f"/elders/{father.pk}/family/")
    assert 'data-testid="family-code"' not in again.content.decode()  # shown once


def test_lock_rule_is_pure():
    now = dt.datetime(2025, 1, 1, 12, 0)
    tries = [now - dt.timedelta(minutes=m) for m in (1, 2, 3, 4, 5)]
    assert familycodes.locked_until(tries, now) == now - dt.timedelta(minutes=1) + familycodes.LOCK
    assert familycodes.locked_until(tries[:4], now) is None
    assert familycodes.locked_until(tries, now + dt.timedelta(minutes=15)) is None
