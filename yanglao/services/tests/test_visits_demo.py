"""The demo caregiver's day: 护理员 刘芳 has a caregiver row and eight accepted orders for today, the same on
every run, and her page lists them in route order."""

import pytest
from django.utils import timezone

from yanglao.core import demo
from yanglao.core.models import User
from yanglao.services import selectors
from yanglao.services.models import ServiceOrder

pytestmark = pytest.mark.django_db


def test_the_demo_caregiver_has_eight_jobs_today():
    demo.run(scale=0.01, seed=3, steps=["care_day"], log=lambda _: None)
    user = User.objects.get(username="caregiver")
    stops = selectors.caregiver_today(user=user)
    assert len(stops) == 8
    assert {s.order.status for s in stops} == {"accepted"}
    assert {timezone.localtime(s.order.scheduled_start).date() for s in stops} == {timezone.localdate()}
    assert [s.order.scheduled_start for s in stops] == sorted(s.order.scheduled_start for s in stops)
    assert user.caregiver.name == "刘芳"
    hers = ServiceOrder.objects.unscoped(reason="test").filter(caregiver=user.caregiver)
    # Her past visits count too (the history gives her records); from today on she has only these eight.
    before = hers.count()
    assert not hers.filter(scheduled_start__date__gt=timezone.localdate()).exists()
    demo.run(scale=0.01, seed=3, steps=["care_day"], log=lambda _: None)  # a second run adds nothing
    assert hers.count() == before
