"""The registry import and the facility import leave planner statistics on what they wrote (issue 9, 6.2):
a bulk load ends with ANALYZE, on SQLite and PostgreSQL alike."""

import pytest

from yanglao.core.testing import factories as core_factories
from yanglao.core.tests.test_dbstats import drop_statistics, has_statistics
from yanglao.facilities.importing import facility_import_file
from yanglao.facilities.tests.test_import import good, write
from yanglao.people import services as people_services
from yanglao.people.tests.test_import import row, write_csv

pytestmark = pytest.mark.django_db


def test_elder_import_analyzes_the_registry(tmp_path, street_officer):
    drop_statistics("people_elder")
    path = write_csv(tmp_path / "名单.csv", [row()])
    people_services.elder_import_file(actor=street_officer, path=path, dry_run=True)
    assert not has_statistics("people_elder")  # a dry run writes nothing and analyses nothing
    result = people_services.elder_import_file(actor=street_officer, path=path)
    assert result.created == 1
    assert has_statistics("people_elder")


def test_facility_import_analyzes_the_facilities(tmp_path, street_officer):
    core_factories.organisation(region_code="310104003001", name="天平为老服务社")
    drop_statistics("facilities_facility")
    result = facility_import_file(actor=street_officer, path=write(tmp_path / "设施.csv", [good()]))
    assert result.created == 1
    assert has_statistics("facilities_facility")
