"""The LTC claims list under the kit's list contract (core.testing.contracts)."""

from __future__ import annotations

from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.ltc import services
from yanglao.ltc.models import LtcScheme
from yanglao.ltc.tests.builders import scheme
from yanglao.people.tests import factories


class TestLtcApplicationList(ListContract):
    url = "/ltc/"
    api_url = "/api/v1/ltc-applications"
    export_url = "/ltc/export/"
    permission = "ltc.view_ltcapplication"
    max_queries = 12

    def make(self, n: int, region_code: str) -> list[str]:
        if not LtcScheme.objects.unscoped(reason="test").exists():
            scheme()
        names = [unique_name("孙") for _ in range(n)]
        for name in names:
            elder = factories.elder(actor=self.actor, name=name, region_code=region_code)
            services.ltc_apply(actor=self.actor, elder_id=elder.pk, applicant="self", applicant_name="本人")
        return names
