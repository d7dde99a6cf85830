"""The family's ordering: the quote equals the order's split, a double submit makes one order, online
confirmation after check-out, ratings once and only when confirmed, a low rating raises an alert."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.people import services as people_services
from yanglao.services import selectors, services
from yanglao.services.choices import OrderStatus
from yanglao.services.errors import InvalidOrder
from yanglao.services.models import ServiceAlert, ServiceOrder
from yanglao.services.tests.builders import entitle, offering, tomorrow

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(street_officer, person):
    user = factories.user(role="family", username="family_daughter")
    people_services.family_link(
        actor=street_officer, elder_id=person.pk, username=user.username, relation="daughter"
    )
    return user


def _order(daughter, person, sold, key="family-key-0001", quantity=3):
    return services.order_place(
        actor=daughter,
        client_key=key,
        elder_id=person.pk,
        offering_id=sold.pk,
        scheduled_start=tomorrow(),
        quantity=quantity,
        channel="family",
    )


def _state(order, status):
    ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
        status=status, checked_in_at=timezone.now(), checked_out_at=timezone.now(), confirm_code="123456"
    )


def test_quote_equals_the_orders_split_and_writes_nothing(daughter, person):
    entitle(hours="2")
    sold = offering(code="SH-ZJ", price=45, contract=38)
    quote = selectors.order_quote(
        user=daughter, elder_id=person.pk, offering_id=sold.pk, scheduled_start=tomorrow(), quantity=3
    )
    assert not ServiceOrder.objects.unscoped(reason="test").exists()
    order = _order(daughter, person, sold)
    assert quote.split.government_yuan == order.government_yuan == Decimal("76.00")
    assert quote.split.self_pay_yuan == order.self_pay_yuan == Decimal("45.00")
    assert quote.split.covered_units == order.covered_units
    assert order.channel == "family"
    # the next quote sees the allowance the order spent
    again = selectors.order_quote(
        user=daughter, elder_id=person.pk, offering_id=sold.pk, scheduled_start=tomorrow(11), quantity=1
    )
    assert again.split.government_yuan == 0 and again.split.self_pay_yuan == Decimal("45.00")


def test_double_submit_makes_one_order(client, daughter, person):
    sold = offering(code="SH-ZJ", contract=None)
    client.force_login(daughter)
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = {
        "elder": person.pk,
        "offering": sold.pk,
        "day": day,
        "slot": "09:00",
        "quantity": "1",
        "client_key": "form-key-123456",
        "action": "confirm",
    }
    first = client.post("/family/order/", data)
    second = client.post("/family/order/", data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert ServiceOrder.objects.unscoped(reason="test").count() == 1


def test_quote_step_shows_the_split_before_confirming(client, daughter, person):
    entitle(hours="2")
    sold = offering(code="SH-ZJ", price=45, contract=38)
    client.force_login(daughter)
    day = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(
        "/family/order/",
        {
            "elder": person.pk,
            "offering": sold.pk,
            "day": day,
            "slot": "09:00",
            "quantity": "3",
            "client_key": "form-key-quote1",
            "action": "quote",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and "政府补贴" in html and "76.00 元" in html and "45.00 元" in html
    assert not ServiceOrder.objects.unscoped(reason="test").exists()


def test_family_cannot_order_for_someone_else(daughter, street_officer):
    from yanglao.core.errors import NotFound
    from yanglao.people.tests import factories as people_factories

    other = people_factories.elder(actor=street_officer, name="邻居")
    sold = offering(code="SH-ZJ", contract=None)
    with pytest.raises(NotFound):
        selectors.order_quote(
            user=daughter, elder_id=other.pk, offering_id=sold.pk, scheduled_start=tomorrow()
        )
    with pytest.raises(NotFound):
        _order(daughter, other, sold)


def test_confirm_only_after_check_out_then_rate_once(daughter, person):
    sold = offering(code="SH-ZJ", contract=None)
    order = _order(daughter, person, sold, quantity=1)
    with pytest.raises(InvalidOrder) as early:
        services.order_family_confirm(actor=daughter, order_id=order.pk)
    assert early.value.code == "services.confirm_not_checked_out"
    with pytest.raises(InvalidOrder) as unconfirmed:
        services.order_rate(actor=daughter, order_id=order.pk, rating=5)
    assert unconfirmed.value.code == "services.rate_not_confirmed"
    _state(order, OrderStatus.CHECKED_OUT)
    confirmed = services.order_family_confirm(actor=daughter, order_id=order.pk)
    assert confirmed.status == OrderStatus.CONFIRMED and confirmed.confirmed_via == "family"
    assert services.order_family_confirm(actor=daughter, order_id=order.pk).status == OrderStatus.CONFIRMED
    with pytest.raises(InvalidOrder) as bad:
        services.order_rate(actor=daughter, order_id=order.pk, rating=6)
    assert bad.value.code == "services.bad_rating"
    rated = services.order_rate(actor=daughter, order_id=order.pk, rating=5, comment="很好")
    assert rated.status == OrderStatus.RATED and rated.rating == 5
    with pytest.raises(InvalidOrder) as twice:
        services.order_rate(actor=daughter, order_id=order.pk, rating=4)
    assert twice.value.code == "services.already_rated"
    assert not ServiceAlert.objects.unscoped(reason="test").exists()


def test_low_rating_raises_alert(daughter, person):
    sold = offering(code="SH-ZJ", contract=None)
    order = _order(daughter, person, sold, quantity=1)
    _state(order, OrderStatus.CONFIRMED)
    services.order_rate(actor=daughter, order_id=order.pk, rating=2, comment="迟到")
    alert = ServiceAlert.objects.unscoped(reason="test").get(order=order)
    assert alert.kind == "low_rating" and "2 星" in alert.message


def test_family_cancels_under_the_workflow_rules(daughter, person):
    sold = offering(code="SH-ZJ", contract=None)
    order = _order(daughter, person, sold, quantity=1)
    cancelled = services.order_cancel(actor=daughter, order_id=order.pk, reason="临时有事")
    assert cancelled.status == OrderStatus.CANCELLED


def test_order_page_shows_path_code_and_complaint_link(client, daughter, person):
    sold = offering(code="SH-ZJ", contract=None)
    order = _order(daughter, person, sold, quantity=1)
    _state(order, OrderStatus.CHECKED_IN)
    client.force_login(daughter)
    html = client.get(f"/family/orders/{order.pk}/").content.decode()
    assert "申请" in html and "评价" in html and "123456" in html and "护理员已签到" in html
    assert f"?order={order.pk}" in html
    assert 'data-events-topic="services.family"' in html


def test_api_quote_rate_confirm(client, daughter, person):
    entitle(hours="2")
    sold = offering(code="SH-ZJ", price=45, contract=38)
    client.force_login(daughter)
    people = client.get("/api/v1/services/family/people").json()
    assert [p["id"] for p in people] == [person.pk]
    quote = client.post(
        "/api/v1/services/orders/quote",
        {
            "elder_id": person.pk,
            "offering_id": sold.pk,
            "scheduled_start": tomorrow().isoformat(),
            "quantity": 3,
        },
        content_type="application/json",
    )
    assert quote.status_code == 200 and quote.json()["government_yuan"] == "76.00"
    order = _order(daughter, person, sold)
    _state(order, OrderStatus.CHECKED_OUT)
    assert client.post(f"/api/v1/services/orders/{order.pk}/confirm").json()["status"] == "confirmed"
    rated = client.post(
        f"/api/v1/services/orders/{order.pk}/rate",
        {"rating": 1, "comment": "差"},
        content_type="application/json",
    )
    assert rated.status_code == 200 and rated.json()["status"] == "rated"
    again = client.post(
        f"/api/v1/services/orders/{order.pk}/rate", {"rating": 3}, content_type="application/json"
    )
    assert again.status_code == 422 and again.json()["code"] == "services.already_rated"
