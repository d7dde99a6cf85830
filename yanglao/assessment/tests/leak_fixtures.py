"""The assessment module's foreign rows for the leak walker: an assessment of a person in another street."""

import datetime as dt

from yanglao.assessment.models import Assessment
from yanglao.core import idcard
from yanglao.core.models import User
from yanglao.core.testing.leak import MARKER, Foreign, register
from yanglao.people.tests import factories


@register
def assessment_foreign(foreign: Foreign, persona_kind: str) -> None:
    elder = factories.elder(
        region_code="310104004001",
        name=f"{MARKER}评估老人",
        id_number=idcard.make("310104", dt.date(1941, 2, 3), 777),
    )
    requester = User.objects.get(username="factory_root")
    assessment = Assessment.objects.create(
        elder=elder,
        region_id=elder.region_id,
        instrument="gbt42195-2022",
        reason="first",
        requested_by=requester,
        reason_note=f"{MARKER}评估原因",
    )
    foreign.add(pk=assessment.pk, marker=assessment.reason_note)
