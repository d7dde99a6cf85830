"""Demo assessments: a spread of levels, some expired and some due, people's levels follow, idempotent."""

import datetime as dt

import pytest

from yanglao.assessment import instruments, scoring
from yanglao.assessment.models import Assessment
from yanglao.core import demo
from yanglao.people.models import Elder

pytestmark = pytest.mark.django_db


def test_demo_assessments():
    demo.run(scale=0.005, seed=2, steps=["assessment"], log=lambda _: None)
    approved = Assessment.objects.unscoped(reason="test").filter(status="approved")
    assert approved.count() > 100
    assert set(approved.values_list("final_level", flat=True)) == {0, 1, 2, 3, 4}
    today = dt.date.today()
    assert approved.filter(valid_until__lt=today).exists()  # expired
    assert approved.filter(
        valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=30)
    ).exists()  # due
    data = instruments.get("gbt42195-2022")
    for a in approved[:50]:
        assert scoring.score(data, a.answers, a.context).final_level == a.final_level  # answers match results
        elder = Elder.objects.unscoped(reason="test").get(pk=a.elder_id)
        assert elder.ability_level == a.final_level and elder.ability_valid_until == a.valid_until
    assert Assessment.objects.unscoped(reason="test").filter(status="assigned").count() == 3
    before = Assessment.objects.unscoped(reason="test").count()
    demo.run(scale=0.005, seed=2, steps=["assessment"], log=lambda _: None)
    assert Assessment.objects.unscoped(reason="test").count() == before
