"""Open assessments follow a person whose transfer is accepted; decided ones stay (issue 9, 2.1)."""

import datetime as dt

import pytest

from yanglao.assessment import selectors, services
from yanglao.assessment.models import Assessment
from yanglao.assessment.tests import factories
from yanglao.core.errors import NotFound
from yanglao.core.testing import factories as core_factories
from yanglao.people import services as people_services
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db


def test_an_open_assessment_moves_with_the_person(street_officer, other_street_officer):
    elder = people_factories.elder(actor=street_officer, name="随迁")
    agency, (first, second, _) = factories.agency_team()
    open_one = factories.assigned(
        actor=street_officer, elder_id=elder.pk, agency=agency, first=first, second=second
    )
    old = Assessment.objects.unscoped(reason="test").create(
        elder=elder,
        region_id=elder.region_id,
        instrument="gbt42195-2022",
        reason="first",
        status="cancelled",
        requested_by=street_officer,
    )
    transfer = people_services.elder_transfer_request(
        actor=street_officer, elder_id=elder.pk, region_code="310104004001", date=dt.date(2026, 11, 1)
    )
    people_services.elder_transfer_accept(actor=other_street_officer, transfer_id=transfer.pk)
    regions = dict(Assessment.objects.unscoped(reason="test").values_list("pk", "region_id"))
    assert regions == {open_one.pk: "310104004001", old.pk: "310104003001"}
    visible = selectors.assessment_list(user=other_street_officer)
    assert open_one.pk in [a.pk for a in visible]


def test_an_agency_out_of_reach_is_not_found(street_officer):
    elder = people_factories.elder(actor=street_officer, name="派单")
    a = services.assessment_request(
        actor=street_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    other = core_factories.organisation(
        region_code="310105000000", name="长宁评估中心", kind="assessment_agency"
    )
    with pytest.raises(NotFound):
        services.assessment_assign(
            actor=street_officer, assessment_id=a.pk, agency_id=other.pk, assessor_ids=(1, 2)
        )
