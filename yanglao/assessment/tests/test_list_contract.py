"""The assessment list and the re-assessment list under the kit's list contract (core.testing.contracts)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yanglao.assessment import services
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people.models import Elder
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


class TestReassessmentDueList(ListContract):
    url = "/assessments/due/"
    permission = "assessment.view_assessment"
    max_queries = 9

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("赵") for _ in range(n)]
        elders = [factories.elder(actor=self.actor, name=name, region_code=region_code) for name in names]
        Elder.objects.unscoped(reason="test: a result about to expire").filter(
            pk__in=[e.pk for e in elders]
        ).update(
            ability_level=2,
            ability_level_name="中度失能",
            ability_valid_until=timezone.localdate() + dt.timedelta(days=10),
        )
        return names
