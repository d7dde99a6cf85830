"""The monitor's alert rows name their order (``data-order``): bench/monitor_latency.py waits for that row to
time a check-in until its breach shows, and a page script can find an order's alert without parsing text."""

import pytest

from yanglao.services import services
from yanglao.services.rules import Breach

pytestmark = pytest.mark.django_db


def test_each_alert_row_carries_its_order(client, crew):
    manager, _workers, order = crew
    alert = services.alerts_raise(order=order, breaches=[Breach("late", "warn", "迟到 40 分钟")])[0]
    client.force_login(manager)
    page = client.get("/services/monitor/").content.decode()
    assert f'<tr data-alert="{alert.pk}" data-order="{order.pk}">' in page
    fragment = client.get("/services/monitor/", headers={"HX-Request": "true"}).content.decode()
    assert f'data-order="{order.pk}"' in fragment and "<html" not in fragment
