"""The alarm list (报警记录) under the kit's list contract: scope on page, API and export, keyset pages with
no cap, a query count that does not grow with the rows, one audited export."""

from django.utils import timezone

from yanglao.alarms.choices import AlarmKind, Severity
from yanglao.alarms.models import Alarm
from yanglao.core.testing.contracts import ListContract, unique_name
from yanglao.people.tests import factories as people_factories


class TestAlarmList(ListContract):
    url = "/alarms/"
    api_url = "/api/v1/alarms"
    api_name_key = "elder_name"
    export_url = "/alarms/export/"
    permission = "alarms.view_alarm"
    max_queries = 10

    def make(self, n: int, region_code: str) -> list[str]:
        names = [unique_name("报") for _ in range(n)]
        now = timezone.now()
        for name in names:
            elder = people_factories.elder(actor=self.actor, name=name, region_code=region_code)
            Alarm.objects.create(
                elder=elder,
                region_id=region_code,
                kind=AlarmKind.SOS,
                severity=Severity.CRITICAL,
                raised_at=now,
            )
        return names
