"""Orders: the price split against the month's allowance (never exceeded, given back on cancel), idempotent
placement, the refusals of bad input, the street and district reviews, and the list contract."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories
from yanglao.services import services
from yanglao.services.errors import InvalidOrder
from yanglao.services.models import MonthlyAllowance
from yanglao.services.tests import builders as b

pytestmark = pytest.mark.django_db


def test_the_split_spends_the_allowance_and_never_exceeds_it(street_officer, person):
    b.entitle("4")
    offering = b.offering()
    first = b.place(street_officer, person, offering, "order-0001", quantity=3)
    assert (first.government_yuan, first.self_pay_yuan, first.status) == (
        Decimal("114.00"),
        Decimal("0.00"),
        "requested",
    )
    second = b.place(street_officer, person, offering, "order-0002", quantity=3)
    assert (second.covered_units, second.government_yuan, second.self_pay_yuan) == (
        1,
        Decimal("38.00"),
        Decimal("90.00"),
    )
    third = b.place(street_officer, person, offering, "order-0003", quantity=1)
    assert (third.government_yuan, third.self_pay_yuan, third.status) == (
        Decimal("0.00"),
        Decimal("45.00"),
        "approved",
    )
    allowance = MonthlyAllowance.objects.unscoped(reason="test").get()
    assert (allowance.hours_granted, allowance.hours_used) == (Decimal("4.0"), Decimal("4.0"))
    services.order_cancel(actor=street_officer, order_id=first.pk, reason="家属改期")
    allowance.refresh_from_db()
    assert allowance.hours_used == Decimal("1.0")  # the cancelled order's three hours are back


def test_the_same_client_key_is_one_order(street_officer, district_officer, person):
    offering = b.offering()
    first = b.place(street_officer, person, offering, "retry-key-1")
    assert b.place(street_officer, person, offering, "retry-key-1").pk == first.pk
    with pytest.raises(InvalidOrder) as reused:
        b.place(district_officer, person, offering, "retry-key-1")
    assert reused.value.code == "services.client_key_reused"


def test_bad_orders_are_refused_each_with_its_own_code(street_officer, person):
    offering = b.offering()
    elsewhere = b.offering(areas=("310104004000",))
    cases = [
        (lambda: b.place(street_officer, person, elsewhere, "bad-key-01"), "services.outside_area"),
        (
            lambda: b.place(
                street_officer, person, offering, "bad-key-02", start=timezone.now() - dt.timedelta(hours=2)
            ),
            "services.bad_slot",
        ),
        (
            lambda: b.place(street_officer, person, offering, "bad-key-03", quantity=0),
            "services.bad_quantity",
        ),
        (lambda: b.place(street_officer, person, offering, "short"), "services.client_key_invalid"),
    ]
    for attempt, code in cases:
        with pytest.raises(InvalidOrder) as refused:
            attempt()
        assert refused.value.code == code and any(ch >= "\u4e00" for ch in refused.value.message)
    people_services.elder_record_death(actor=street_officer, elder_id=person.pk, date=timezone.localdate())
    with pytest.raises(InvalidOrder) as dead:
        b.place(street_officer, person, offering, "bad-key-04")
    assert dead.value.code == "services.person_not_active"


def test_an_order_for_someone_outside_the_scope_is_not_found(other_street_officer, person):
    with pytest.raises(NotFound):
        b.place(other_street_officer, person, b.offering(), "scope-key-1")


def test_government_money_is_reviewed_by_the_street_then_the_district(
    street_officer, district_officer, person
):
    b.entitle("4")
    order = b.place(street_officer, person, b.offering(), "review-key-1")
    assert (
        services.order_review(actor=street_officer, order_id=order.pk, approve=True, level="street").status
        == "street_approved"
    )
    with pytest.raises(Exception) as no_right:  # a street officer cannot give the district's approval
        services.order_review(actor=street_officer, order_id=order.pk, approve=True, level="district")
    assert type(no_right.value).__name__ == "PermissionDenied"
    assert (
        services.order_review(
            actor=district_officer, order_id=order.pk, approve=True, level="district"
        ).status
        == "approved"
    )
    refused = b.place(street_officer, person, b.offering(), "review-key-2")
    with pytest.raises(InvalidOrder):
        services.order_review(
            actor=street_officer, order_id=refused.pk, approve=False, level="street", reason=""
        )
    done = services.order_review(
        actor=street_officer, order_id=refused.pk, approve=False, level="street", reason="不符合条件"
    )
    assert done.status == "cancelled" and "不符合条件" in done.cancel_reason


def test_the_api_places_idempotently_and_says_what_comes_next(client, street_officer, person):
    offering = b.offering(contract=None)
    client.force_login(street_officer)
    body = {
        "client_key": "api-key-0001",
        "elder_id": person.pk,
        "offering_id": offering.pk,
        "scheduled_start": b.tomorrow().isoformat(),
    }
    first = client.post("/api/v1/services/orders", body, content_type="application/json")
    again = client.post("/api/v1/services/orders", body, content_type="application/json")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["self_pay_yuan"] == "45.00" and "cancel" in first.json()["actions"]
    bad = client.post(
        "/api/v1/services/orders",
        body | {"client_key": "api-key-0002", "quantity": "0"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    cancelled = client.post(
        f"/api/v1/services/orders/{first.json()['id']}/cancel",
        {"reason": "改期"},
        content_type="application/json",
    )
    assert cancelled.json()["status"] == "cancelled"


class TestOrderList(ListContract):
    url = "/services/orders/"
    api_url = "/api/v1/services/orders"
    api_name_key = "elder_name"
    permission = "services.view_serviceorder"
    max_queries = 10

    def make(self, n: int, region_code: str) -> list[str]:
        sold = b.offering(region_code, areas=(region_code[:9] + "000",), contract=None)
        names = []
        for i in range(n):
            person = people_factories.elder(actor=self.actor, name=unique_name("孙"), region_code=region_code)
            b.place(self.actor, person, sold, f"{unique_name('k')}-{i:04d}-key")
            names.append(person.name)
        return names
