"""The assessment list under the kit's list contract (core.testing.contracts)."""

from __future__ import annotations

from yanglao.assessment import services
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people.tests import factories


class TestAssessmentList(ListContract):
    url = "/assessments/"
    api_url = "/api/v1/assessments"
    api_name_key = "elder_name"
    export_url = "/assessments/export/"
    permission = "assessment.view_assessment"
    max_queries = 9
    page_size = 25

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("李") for _ in range(n)]
        for name in names:
            elder = factories.elder(actor=self.actor, name=name, region_code=region_code)
            services.assessment_request(
                actor=self.actor, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
            )
        return names
