"""Providers' offerings: validation with one code per condition, scope on writes, and the list contract."""

from decimal import Decimal

import pytest

from yanglao.core.errors import NotFound
from yanglao.core.testing import factories
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.services import services
from yanglao.services.errors import InvalidOffering
from yanglao.services.models import ServiceItem, ServiceOffering

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_user(db):
    org = factories.organisation(region_code="310104003001", name="天平居家服务社", kind="home_service")
    return factories.user(role="provider", organisation=org, username="home_service_staff"), org


def test_a_provider_offers_an_item_with_a_contract_price(provider_user):
    user, org = provider_user
    offering = services.offering_save(
        actor=user,
        provider_id=org.pk,
        item_code="SH-ZY",
        price="100",
        government_purchased=True,
        contracted_price="80.5",
        area_codes=["310104003000"],
    )
    assert (offering.price, offering.contracted_price, offering.region_id) == (
        Decimal("100.00"),
        Decimal("80.50"),
        "310104003001",
    )
    again = services.offering_save(
        actor=user, provider_id=org.pk, item_code="SH-ZY", price=90, area_codes=["310104003000"]
    )
    assert again.pk == offering.pk and again.contracted_price is None  # one offer per provider and item


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price": "-1"}, "services.invalid_offering"),
        ({"price": "abc"}, "services.invalid_offering"),
        ({"item_code": "NOPE"}, "services.unknown_item"),
        ({"government_purchased": True}, "services.contract_price_missing"),
        ({"area_codes": []}, "services.no_area"),
        ({"area_codes": ["310104004000", "310105000000"]}, "services.area_outside_district"),
    ],
)
def test_bad_offers_are_refused_each_with_its_own_code(provider_user, changes, code):
    user, org = provider_user
    data = {"price": "50", "item_code": "SH-ZJ", "area_codes": ["310104003000"]} | changes
    with pytest.raises(InvalidOffering) as refused:
        services.offering_save(actor=user, provider_id=org.pk, **data)
    assert refused.value.code == code and any(ch >= "\u4e00" for ch in refused.value.message)
    assert not ServiceOffering.objects.unscoped(reason="test").exists()


def test_a_provider_cannot_offer_for_another_provider(provider_user):
    user, _ = provider_user
    other = factories.organisation(region_code="310104004001", name="湖南路服务社", kind="home_service")
    with pytest.raises(NotFound):
        services.offering_save(
            actor=user, provider_id=other.pk, item_code="SH-ZJ", price=40, area_codes=["310104004000"]
        )


def test_the_api_creates_and_lists_within_scope(client, provider_user):
    user, org = provider_user
    client.force_login(user)
    body = {"provider_id": org.pk, "item_code": "SH-ZJ", "price": "45.00", "area_codes": ["310104003000"]}
    made = client.post("/api/v1/services/offerings", body, content_type="application/json")
    assert made.status_code == 201, made.content
    listed = client.get("/api/v1/services/offerings?serves=310104003001").json()
    assert [o["item_code"] for o in listed["items"]] == ["SH-ZJ"] and listed["next"] == ""
    assert client.get("/api/v1/services/offerings?serves=310104004001").json()["items"] == []


class TestOfferingList(ListContract):
    url = "/services/offerings/"
    api_url = "/api/v1/services/offerings"
    api_name_key = "provider_name"
    permission = "services.view_serviceoffering"
    max_queries = 10

    def make(self, n: int, region_code: str) -> list[str]:
        item = ServiceItem.objects.get(code="SH-ZJ")
        names = []
        for _ in range(n):
            org = factories.organisation(region_code=region_code, name=unique_name("服"), kind="home_service")
            offering = ServiceOffering.objects.create(
                provider=org, region_id=region_code, item=item, price=40
            )
            offering.areas.set([org.region])
            names.append(org.name)
        return names
