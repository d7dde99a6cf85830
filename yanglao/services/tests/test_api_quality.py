"""The API a native app or a mini program uses for quality: a provider's alerts (listed, handled), a family's
complaint (filed, read, rated) and settlements, under the same scope as the pages."""

import pytest

from yanglao.core.testing import factories
from yanglao.people.models import FamilyLink
from yanglao.services import services
from yanglao.services.rules import Breach
from yanglao.services.tests.quality_builders import finished

pytestmark = pytest.mark.django_db


def test_a_provider_lists_and_handles_its_alerts_and_another_provider_sees_none(client, crew):
    manager, _workers, order = crew
    alert = services.alerts_raise(order=order, breaches=[Breach("late", "warn", "迟到 30 分钟")])[0]
    client.force_login(manager)
    rows = client.get("/api/v1/services/alerts?kind=late").json()["items"]
    assert [(r["id"], r["kind_label"], r["status"]) for r in rows] == [(alert.pk, "迟到", "open")]
    stranger = factories.user(
        role="provider", organisation=factories.organisation(region_code="310104004001", kind="home_service")
    )
    client.force_login(stranger)
    assert client.get("/api/v1/services/alerts").json()["items"] == []
    response = client.post(
        f"/api/v1/services/alerts/{alert.pk}/handle", {"note": "不是我的"}, content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(manager)
    response = client.post(
        f"/api/v1/services/alerts/{alert.pk}/handle", {"note": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/services/alerts/{alert.pk}/handle", {"note": "已提醒"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_a_family_files_reads_and_rates_a_complaint_about_its_persons_order(client, crew):
    _manager, workers, order = crew
    finished(order, workers[0])
    daughter = factories.user(role="family", username="api_daughter")
    FamilyLink.objects.create(user=daughter, elder=order.elder, relation="女儿")
    outsider = factories.user(role="family", username="api_outsider")
    client.force_login(outsider)
    body = {"order_id": order.pk, "text": "护理员提前离开"}
    assert (
        client.post("/api/v1/services/complaints", body, content_type="application/json").status_code == 404
    )
    client.force_login(daughter)
    response = client.post("/api/v1/services/complaints", body, content_type="application/json")
    assert response.status_code == 201, response.content
    complaint = response.json()
    assert complaint["status"] == "pending" and complaint["reply_due"] <= complaint["resolve_due"]
    assert client.get(f"/api/v1/services/complaints/{complaint['id']}").json()["order_id"] == order.pk
    client.force_login(outsider)
    assert client.get(f"/api/v1/services/complaints/{complaint['id']}").status_code == 404


def test_settlements_through_the_api_follow_the_pages_scope(client, crew, other_street_officer):
    manager, workers, order = crew
    finished(order, workers[0])
    made = services.settlement_prepare(
        actor=manager, provider_id=manager.organisation_id, month=order.scheduled_start.date()
    )
    client.force_login(manager)
    rows = client.get("/api/v1/services/settlements").json()["items"]
    assert [(r["id"], r["confirmed"], r["status"]) for r in rows] == [(made.pk, 1, "draft")]
    client.force_login(other_street_officer)
    assert client.get("/api/v1/services/settlements").json()["items"] == []
    assert client.get(f"/api/v1/services/settlements/{made.pk}").status_code == 404
