"""The staff order page: the street and the district review, the provider dispatches from the suggestions,
every refusal comes back on the page in Chinese, and another street's order answers like a missing one."""

import datetime as dt

import pytest
from django.utils import timezone

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


def test_an_advisor_or_the_hotline_orders_for_a_person_with_the_familys_form(client, person, street_officer):
    from yanglao.core.testing import factories

    entitle()
    sold = offering(code="SH-ZY", price=100, contract=80)
    advisor = factories.user(role="advisor", regions=["310104003000"])
    client.force_login(advisor)
    panel = client.get(f"/elders/{person.pk}/services/").content.decode()
    assert "代为预约服务" in panel
    url = f"/elders/{person.pk}/services/order/"
    page = client.get(url).content.decode()
    assert "代为预约服务" in page and person.name in page and "助浴" in page
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    form = {"elder": person.pk, "day": day, "offering": sold.pk, "slot": "10:00", "quantity": "1"}
    quote = client.post(url, {**form, "client_key": "behalf-key-0001", "action": "quote"})
    assert quote.status_code == 200 and "80.00 元" in quote.content.decode()
    placed = client.post(url, {**form, "client_key": "behalf-key-0001", "action": "confirm"})
    assert placed.status_code == 302
    order = ServiceOrder.objects.unscoped(reason="test").get(client_key="behalf-key-0001")
    assert (order.channel, order.placed_by, order.government_yuan) == ("advisor", advisor, 80)
    assert placed["Location"] == f"/services/orders/{order.pk}/"
    operator = factories.user(role="operator", regions=["310104000000"])
    client.force_login(operator)
    client.post(url, {**form, "slot": "14:00", "client_key": "behalf-key-0002", "action": "confirm"})
    assert ServiceOrder.objects.unscoped(reason="test").get(client_key="behalf-key-0002").channel == "hotline"
    other = factories.user(role="advisor", regions=["310104004000"])
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {**form, "client_key": "behalf-key-0003", "action": "confirm"}).status_code == 404
