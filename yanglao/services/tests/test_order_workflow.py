"""The order's transitions table, enumerated state by action against a written specification."""

import pytest

from yanglao.services import services
from yanglao.services.choices import OrderStatus

ORDER_WORKFLOW = services.ORDER_WORKFLOW

pytestmark = pytest.mark.django_db

SOURCES = {  # action → the states it starts from, as the national system's path says
    "street_review": {"requested"},
    "district_review": {"street_approved"},
    "dispatch": {"approved"},
    "accept": {"dispatched"},
    "decline": {"dispatched"},
    "reject": {"requested", "street_approved"},
    "cancel": {"requested", "street_approved", "approved", "dispatched"},
}
DONE = {("accept", "accepted"), ("cancel", "cancelled")}  # repeating a finished step is not refused
TARGETS = {
    "street_review": "street_approved",
    "district_review": "approved",
    "dispatch": "dispatched",
    "accept": "accepted",
    "decline": "approved",
    "reject": "cancelled",
    "cancel": "cancelled",
}


def test_the_table_is_the_specification():
    assert {t.action: set(t.sources) for t in ORDER_WORKFLOW.transitions} == SOURCES
    assert {t.action: t.target for t in ORDER_WORKFLOW.transitions} == TARGETS


@pytest.mark.parametrize("state", OrderStatus.values)
def test_each_state_and_action(crew, district_officer, state):
    manager, workers, order = crew
    order.status, order.caregiver = state, workers[1]
    actors = {
        "street_review": district_officer,
        "district_review": district_officer,
        "reject": district_officer,
        "cancel": district_officer,
        "dispatch": manager,
        "accept": workers[1].user,
        "decline": workers[1].user,
    }
    for action, actor in actors.items():
        refused = ORDER_WORKFLOW.refusal(actor, order, action)
        allowed = state in SOURCES[action] or (action, state) in DONE
        assert (refused is None) == allowed, (action, state, refused)
        if action in ("accept", "decline") and state == "dispatched":
            assert ORDER_WORKFLOW.refusal(workers[2].user, order, action) is not None  # not their order
