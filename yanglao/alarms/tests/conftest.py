"""Fixtures the alarms tests share."""

import pytest

from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories


@pytest.fixture
def operator(db):
    """A 962899 hotline operator of the district (热线坐席)."""
    return factories.user(role="operator", regions=["310104000000"], username="hotline_operator")


@pytest.fixture
def supervisor(db):
    """The district's duty supervisor: escalated alarms go to users with alarms.supervise_alarm."""
    return factories.user(role="gov_admin", regions=["310104000000"], username="duty_supervisor")


@pytest.fixture
def person(street_officer):
    """A person living alone in 天平路 with a daughter (key holder) and a neighbour as contacts."""
    return people_factories.elder(
        actor=street_officer,
        name="王秀英",
        living_arrangement="alone",
        lat=31.2075,
        lng=121.444,
        contacts=[
            {"name": "李娟", "relation": "女儿", "phone": "13912345678", "has_key": True},
            {"name": "赵阿姨", "relation": "邻居", "phone": "13800001111", "has_key": False},
        ],
    )
