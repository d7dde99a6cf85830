"""护理员名册: the provider's manager adds a caregiver with a sign-in account and skills, updates skills and
stops one; dispatch follows; another provider's caregivers are out of reach."""

import pytest

from yanglao.core.testing import factories
from yanglao.services import services
from yanglao.services.models import Caregiver

pytestmark = pytest.mark.django_db

NEW = {
    "name": "陈静",
    "username": "chen_jing",
    "password": "Strong-Passw0rd-2026",
    "skills": ["care_worker", "general"],
    "lat": "31.2",
    "lng": "121.44",
}


def test_the_manager_adds_updates_and_stops_a_caregiver_and_dispatch_follows(client, crew):
    manager, workers, order = crew
    client.force_login(manager)
    page = client.get("/services/caregivers/").content.decode()
    assert "护理员名册" in page and workers[0].name in page
    response = client.post("/services/caregivers/", NEW | {"password": "123"})
    assert response.status_code == 422  # a weak password, said on the page
    response = client.post("/services/caregivers/", NEW | {"skills": []})
    assert response.status_code == 422
    assert client.post("/services/caregivers/", NEW).status_code == 302
    added = Caregiver.objects.unscoped(reason="test").get(name="陈静")
    assert (added.provider_id, added.user.role, added.skills) == (
        manager.organisation_id,
        "caregiver",
        ["care_worker", "general"],
    )
    assert added.pk in [cid for cid, _ in services.caregiver_suggestions(order=order)]
    body = {"caregiver": added.pk, "skills": ["nurse"]}  # "active" unticked: stopped
    assert client.post("/services/caregivers/update/", body).status_code == 302
    added.refresh_from_db()
    assert (added.skills, added.active) == (["nurse"], False)
    assert added.pk not in [cid for cid, _ in services.caregiver_suggestions(order=order)]


def test_another_providers_manager_cannot_reach_the_roster(client, crew):
    _manager, workers, _order = crew
    other = factories.user(
        role="provider", organisation=factories.organisation(region_code="310104004001", kind="home_service")
    )
    client.force_login(other)
    assert workers[0].name not in client.get("/services/caregivers/").content.decode()
    body = {"caregiver": workers[0].pk, "skills": ["nurse"], "active": "on"}
    assert client.post("/services/caregivers/update/", body).status_code == 404
    workers[0].refresh_from_db()
    assert workers[0].skills == ["general"]
    client.force_login(workers[1].user)  # a caregiver has no roster page
    assert client.get("/services/caregivers/").status_code == 403
