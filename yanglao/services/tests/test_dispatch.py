"""Dispatch: the nearest qualified caregiver free in the slot is suggested; the provider sends the order; only
that caregiver takes or returns it, and of two answers the first wins."""

import datetime as dt

import pytest

from yanglao.services import dispatch, services
from yanglao.services.errors import InvalidOrder
from yanglao.services.tests.builders import place, tomorrow

pytestmark = pytest.mark.django_db
NINE = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def test_rank_keeps_the_qualified_and_free_nearest_first():
    hour = dt.timedelta(hours=1)
    people = [
        dispatch.Candidate(1, ["general"], 31.20, 121.44, []),
        dispatch.Candidate(2, ["general", "care_worker"], 31.21, 121.44, []),  # about 1.1 km north
        dispatch.Candidate(3, ["care_worker"], 31.2001, 121.44, [(NINE - hour / 2, NINE + hour / 2)]),  # busy
        dispatch.Candidate(4, ["care_worker"], None, None, []),  # position unknown: last
        dispatch.Candidate(
            5, ["care_worker"], 31.30, 121.44, [(NINE + hour, NINE + 2 * hour)]
        ),  # busy later only
    ]
    ranked = dispatch.rank(people, skill="care_worker", start=NINE, end=NINE + hour, home=(31.20, 121.44))
    assert [cid for cid, _ in ranked] == [2, 5, 4]
    assert 1000 < ranked[0][1] < 1200 and ranked[2][1] is None


def test_the_provider_dispatches_to_the_nearest_qualified_and_only_they_accept(crew):
    manager, workers, order = crew
    assert [cid for cid, _ in services.caregiver_suggestions(order=order)] == [workers[1].pk, workers[2].pk]
    with pytest.raises(InvalidOrder) as unqualified:
        services.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=workers[0].pk)
    assert unqualified.value.code == "services.caregiver_unavailable"
    sent = services.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=workers[1].pk)
    assert sent.status == "dispatched" and sent.caregiver_id == workers[1].pk
    with pytest.raises(InvalidOrder) as not_theirs:
        services.order_accept(actor=workers[2].user, order_id=order.pk)
    assert not_theirs.value.code == "services.not_your_order"
    assert services.order_accept(actor=workers[1].user, order_id=order.pk).status == "accepted"
    assert services.order_accept(actor=workers[1].user, order_id=order.pk).status == "accepted"  # a retry
    with pytest.raises(InvalidOrder):
        services.order_decline(actor=workers[1].user, order_id=order.pk, reason="太远")  # already accepted


def test_a_declined_order_goes_back_to_the_queue_and_a_held_slot_is_not_offered(crew, street_officer):
    manager, workers, order = crew
    services.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=workers[1].pk)
    back = services.order_decline(actor=workers[1].user, order_id=order.pk, reason="身体不适")
    assert back.status == "approved" and back.caregiver_id is None and "身体不适" in back.note
    services.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=workers[1].pk)
    same_slot = place(street_officer, order.elder, order.offering, "dispatch-key-2", start=tomorrow())
    assert [cid for cid, _ in services.caregiver_suggestions(order=same_slot)] == [workers[2].pk]


def test_the_api_suggests_and_dispatches_within_the_provider(client, crew):
    manager, workers, order = crew
    client.force_login(manager)
    suggested = client.get(f"/api/v1/services/orders/{order.pk}/caregivers").json()
    assert [s["name"] for s in suggested] == ["护理员1", "护理员2"]
    done = client.post(
        f"/api/v1/services/orders/{order.pk}/dispatch",
        {"caregiver_id": workers[1].pk},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "dispatched"
    client.force_login(workers[1].user)
    assert client.post(f"/api/v1/services/orders/{order.pk}/accept").json()["status"] == "accepted"
