"""Assessments under the kit's detail and write contracts (core.testing.contracts)."""

from __future__ import annotations

from yanglao.assessment import services
from yanglao.assessment.models import Assessment
from yanglao.core.testing.contracts import DetailContract, WriteContract, unique_name
from yanglao.people.tests import factories


class TestAssessmentDetail(DetailContract):
    permission = "assessment.view_assessment"
    refused_status = 404  # read through for_user: without the right the assessment is not there

    def make(self, region_code: str) -> Assessment:
        elder = factories.elder(actor=self.actor, name=unique_name("李"), region_code=region_code)
        return services.assessment_request(
            actor=self.actor, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
        )

    def url_for(self, obj) -> str:
        return f"/assessments/{obj.pk}/"

    def shown(self, obj) -> str:
        return obj.elder.name


class TestAssessmentRequest(WriteContract):
    """The request form is a create under its elder: another street's elder is not there (404)."""

    model = Assessment
    view_permission = "assessment.view_assessment"
    foreign_create_status = 404

    def make(self, region_code: str):
        return factories.elder(actor=self.actor, name=unique_name("李"), region_code=region_code)

    def create_form(self, region_code: str):
        elder = self.make(region_code)
        return f"/elders/{elder.pk}/assessments/new/", {"instrument": "gbt42195-2022", "reason": "first"}

    def invalid(self, data: dict) -> dict:
        return {**data, "instrument": "no-such-instrument"}
