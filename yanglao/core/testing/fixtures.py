"""Shared pytest fixtures: the shipped divisions loaded once per test database, and named personas.

Regions used: 徐汇区 310104 with 天平路街道 310104003 (the street officer's) and 湖南路街道 310104004 (the
other street), and 长宁区 310105 (outside the district).
"""

from __future__ import annotations

import pytest

from yanglao.core import reference, services
from yanglao.core.choices import Role
from yanglao.core.demo import DATA
from yanglao.core.testing import factories

XUHUI = "310104000000"
TIANPING = "310104003000"
HUNAN = "310104004000"
CHANGNING = "310105000000"


def load_reference_data() -> None:
    """Divisions and role groups: reference data every test may assume."""
    from yanglao.core.models import Region

    if not Region.objects.filter(code=XUHUI).exists():
        services.region_load_file(path=DATA / "divisions.csv")
    services.roles_sync()
    reference.load_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the browser tests' live server) ends by emptying every table; put the
    reference data back, committed, before the next test starts its own transaction."""
    yield
    if nextitem is None:  # the session is over and the test database is already gone
        return
    if "transactional_db" not in getattr(item, "fixturenames", ()) and "live_server" not in getattr(
        item, "fixturenames", ()
    ):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        load_reference_data()


@pytest.fixture
def district_officer(db):
    return factories.user(role=Role.GOV_ADMIN, regions=[XUHUI], username="district")


@pytest.fixture
def street_officer(db):
    return factories.user(role=Role.GOVERNMENT, regions=[TIANPING], username="street")


@pytest.fixture
def other_street_officer(db):
    return factories.user(role=Role.GOVERNMENT, regions=[HUNAN], username="other_street")


@pytest.fixture
def provider_org(db):
    return factories.organisation(region_code="310104003001", name="天平敬老院")


@pytest.fixture
def provider_staff(db, provider_org):
    return factories.user(role=Role.PROVIDER, organisation=provider_org, username="provider")


@pytest.fixture
def assessor(db):
    agency = factories.organisation(region_code=XUHUI, name="评估中心", kind="assessment_agency")
    return factories.user(role=Role.ASSESSOR, organisation=agency, regions=[XUHUI], username="assessor")
