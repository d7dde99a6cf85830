"""Fixtures the services tests share."""

import pytest

from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories
from yanglao.services.models import Caregiver
from yanglao.services.tests.builders import offering, place


@pytest.fixture
def person(street_officer):
    return people_factories.elder(actor=street_officer, name="独居老人", living_arrangement="alone")


@pytest.fixture
def crew(street_officer):
    sold = offering(code="SH-ZY", contract=None)
    provider = sold.provider
    manager = factories.user(role="provider", organisation=provider, username="dispatch_manager")
    workers = []
    for n, (skills, lat) in enumerate(
        [(["general"], 31.2080), (["care_worker"], 31.2100), (["care_worker"], 31.2300)]
    ):
        user = factories.user(role="caregiver", organisation=provider, username=f"worker_{n}")
        workers.append(
            Caregiver.objects.create(
                user=user,
                provider=provider,
                region_id=provider.region_id,
                name=f"护理员{n}",
                skills=skills,
                lat=lat,
                lng=121.444,
            )
        )
    person = people_factories.elder(actor=street_officer, name="助浴老人", lat=31.2075, lng=121.444)
    order = place(street_officer, person, sold, "dispatch-key-1")
    return manager, workers, order
