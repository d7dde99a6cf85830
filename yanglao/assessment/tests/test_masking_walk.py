"""Masks hold across the whole site: the leak walker turned inward (issue 9, 1.1)."""

import pytest

from yanglao.assessment.tests import factories as assessment_factories
from yanglao.core.choices import Role
from yanglao.core.testing import factories as core_factories
from yanglao.core.testing import leak
from yanglao.people.tests import factories as people_factories
from yanglao.people.tests.test_hardening import BIRTH, _secrets

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(street_officer):
    from yanglao.core import idcard

    return people_factories.elder(
        actor=street_officer,
        name="王秀英",
        id_number=idcard.make("310104", BIRTH, 57),
        phone="13912345678",
        address="上海市徐汇区天平路 88 弄 9 号 302 室",
        contacts=[{"name": "王小梅", "relation": "女儿", "phone": "13600001111", "has_key": True}],
    )


def test_no_url_a_non_revealing_role_reaches_rebuilds_an_id(person, street_officer, client):
    """The leak walker turned inward: every URL, filled with the ids of this person and her assessment, as
    roles that see her but may not reveal (an advisor, her assessor). None may show the number, its first
    fourteen characters, the birth date or the phones."""
    agency, (first, second, _) = assessment_factories.agency_team(name="评估中心乙")
    assessment = assessment_factories.assigned(
        actor=street_officer, elder_id=person.pk, agency=agency, first=first, second=second
    )
    own = leak.Foreign(markers=set(_secrets(person)))
    own.add(pk=person.pk, key=person.id_last4)
    own.add(pk=assessment.pk)
    advisor = core_factories.user(role=Role.ADVISOR, regions=["310104003000"], username="advisor_walk")
    for user in (advisor, first):
        client.force_login(user)
        findings, visited = leak.walk(client, own, writes=False)
        assert visited > 50
        assert [f for f in findings if "shows" in f.problem] == [], user
