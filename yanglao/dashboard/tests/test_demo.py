"""The cockpit's demo: the seeds' targets on the demo district, this month counted from the records, two
years of history with the estimated months marked, and a second run that adds nothing."""

import pytest
from django.utils import timezone

from yanglao.core import demo
from yanglao.core.indicators import Period
from yanglao.dashboard.choices import FactSource
from yanglao.dashboard.models import MeasureFact, MeasureRun, PlanTarget

pytestmark = pytest.mark.django_db


def test_the_demo_has_targets_this_month_and_marked_history():
    demo.run(scale=0.002, seed=5, steps=["dashboard"], log=lambda _: None)
    now = Period.of(timezone.localdate())
    assert PlanTarget.objects.unscoped(reason="test").filter(region_id=demo.XUHUI).count() == 14
    runs = MeasureRun.objects.filter(period=now.start)
    assert set(runs.values_list("source", flat=True)) == {FactSource.JOB}
    oldest = now.shift(-23)
    assert MeasureRun.objects.filter(period=oldest.start, measure="beds", source=FactSource.BACKFILL).exists()
    # Flows before the demo's records began are no data (no run), not zero.
    assert not MeasureRun.objects.filter(period=oldest.start, measure="orders_served").exists()
    facts = MeasureFact.objects.unscoped(reason="test")
    before = facts.count()
    demo.run(scale=0.002, seed=5, steps=["dashboard"], log=lambda _: None)
    assert facts.count() == before
    assert PlanTarget.objects.unscoped(reason="test").count() == 14
