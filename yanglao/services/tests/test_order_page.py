"""The staff order page: the street and the district review, the provider dispatches from the suggestions,
every refusal comes back on the page in Chinese, and another street's order answers like a missing one."""

import pytest

from yanglao.core.testing.contracts import DetailContract
from yanglao.services.models import ServiceOrder
from yanglao.services.tests.builders import entitle, offering, place

pytestmark = pytest.mark.django_db


class TestOrderPage(DetailContract):
    permission = "services.view_serviceorder"

    def make(self, region_code):
        from yanglao.people.tests import factories as people_factories

        sold = offering(region_code, areas=(region_code[:9] + "000",), contract=None)
        person = people_factories.elder(name="工单页老人", region_code=region_code)
        return place(self.actor, person, sold, f"order-page-{region_code}")

    def url_for(self, obj):
        return f"/services/orders/{obj.pk}/"

    def shown(self, obj):
        return "工单页老人"


def test_the_street_then_the_district_approve_and_the_provider_dispatches(
    client, street_officer, district_officer, crew
):
    manager, workers, first = crew
    entitle()
    sold = first.offering
    sold.government_purchased, sold.contracted_price = True, 80
    sold.save()
    order = place(street_officer, first.elder, sold, "order-page-review", start=first.scheduled_end)
    assert order.status == "requested" and order.government_yuan > 0
    client.force_login(street_officer)
    page = client.get(f"/services/orders/{order.pk}/").content.decode()
    assert "街道初审通过" in page and "区县审核通过" not in page and "政府支付" in page
    assert client.post(f"/services/orders/{order.pk}/district_review/").status_code == 403  # not her right
    assert client.post(f"/services/orders/{order.pk}/street_review/").status_code == 302
    client.force_login(district_officer)
    assert client.post(f"/services/orders/{order.pk}/district_review/").status_code == 302
    client.force_login(manager)
    page = client.get(f"/services/orders/{order.pk}/").content.decode()
    assert "推荐" in page and workers[1].name in page and workers[0].name not in page  # not qualified
    response = client.post(f"/services/orders/{order.pk}/dispatch/", {"caregiver": workers[0].pk})
    assert response.status_code == 422 and "没有所需资质" in response.content.decode()
    assert (
        client.post(f"/services/orders/{order.pk}/dispatch/", {"caregiver": workers[1].pk}).status_code == 302
    )
    order.refresh_from_db()
    assert order.status == "dispatched" and order.caregiver_id == workers[1].pk


def test_a_refusal_needs_a_reason_and_gives_the_allowance_back(client, street_officer, person):
    entitle()
    order = place(street_officer, person, offering(), "order-page-refuse")
    client.force_login(street_officer)
    response = client.post(f"/services/orders/{order.pk}/reject/", {"reason": ""})
    assert response.status_code == 422 and "原因" in response.content.decode()
    assert client.post(f"/services/orders/{order.pk}/reject/", {"reason": "重复下单"}).status_code == 302
    order = ServiceOrder.objects.unscoped(reason="test").get(pk=order.pk)
    assert order.status == "cancelled" and "重复下单" in order.cancel_reason
    assert client.post(f"/services/orders/{order.pk}/unknown/").status_code == 404


def test_another_streets_order_cannot_be_reviewed(client, other_street_officer, street_officer, person):
    order = place(street_officer, person, offering(), "order-page-foreign")
    client.force_login(other_street_officer)
    assert client.post(f"/services/orders/{order.pk}/street_review/").status_code == 404
    assert client.post(f"/services/orders/{order.pk}/cancel/", {"reason": "试试"}).status_code == 404
