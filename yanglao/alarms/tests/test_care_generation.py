"""care_calls_generate: who gets a call on a day, how often, and which operator gets it."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms.choices import CallResult, CareCallStatus, CareGroup
from yanglao.alarms.models import CareCall, CareCallPlan
from yanglao.alarms.services import care
from yanglao.alarms.tests import care_builders as b
from yanglao.core.testing import factories
from yanglao.core.testing.fixtures import HUNAN, TIANPING
from yanglao.people import services as people_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def calls_on(day):
    return CareCall.objects.unscoped(reason="test").filter(due_on=day)


def called(person, days_ago, status=CareCallStatus.DONE):
    day = TODAY - dt.timedelta(days=days_ago)
    CareCall.objects.create(
        elder=person,
        region_id=person.region_id,
        due_on=day,
        status=status,
        result=CallResult.ANSWERED if status == CareCallStatus.DONE else CallResult.NO_ANSWER,
        called_at=b.at(day),
    )


def test_the_shipped_defaults_are_weekly_and_marked_as_defaults():
    plans = {p.group: p for p in CareCallPlan.objects.filter(region=None)}
    assert set(plans) == {CareGroup.LIVING_ALONE, CareGroup.VERY_OLD}
    assert all(p.interval_days == 7 and p.is_default and p.active for p in plans.values())


def test_people_living_alone_or_aged_80_get_a_call_and_others_do_not(operator):
    alone_young = b.elder(age=68, alone=True, name="甲独居")
    old_with_family = b.elder(age=82, alone=False, name="乙高龄")
    neither = b.elder(age=70, alone=False, name="丙其他")
    result = care.care_calls_generate(day=TODAY)
    assert set(calls_on(TODAY).values_list("elder_id", flat=True)) == {alone_young.pk, old_with_family.pk}
    assert result["created"] == 2 and neither.pk not in calls_on(TODAY).values_list("elder_id", flat=True)


def test_a_call_comes_again_once_the_interval_has_passed(operator):
    six, seven, missed_seven = b.elder(name="六天前"), b.elder(name="七天前"), b.elder(name="七天未接")
    called(six, 6)
    called(seven, 7)
    called(missed_seven, 7, status=CareCallStatus.MISSED)  # a missed call counts as a call
    care.care_calls_generate(day=TODAY)
    assert set(calls_on(TODAY).values_list("elder_id", flat=True)) == {seven.pk, missed_seven.pk}


def test_a_districts_own_plan_wins_and_the_shortest_interval_of_a_persons_groups_counts(
    operator, district_officer
):
    alone_old = b.elder(age=85, alone=True, name="独居高龄")
    old_only = b.elder(age=85, alone=False, name="仅高龄")
    called(alone_old, 3)
    called(old_only, 3)
    care.care_plan_set(
        actor=district_officer, region_code="310104000000", group=CareGroup.LIVING_ALONE, interval_days=3
    )
    care.care_calls_generate(day=TODAY)
    assert list(calls_on(TODAY).values_list("elder_id", flat=True)) == [alone_old.pk]


def test_a_plan_switched_off_stops_that_groups_calls(operator, district_officer):
    alone = b.elder(age=85, alone=True, name="独居者")
    old_only = b.elder(age=85, alone=False, name="高龄者")
    care.care_plan_set(
        actor=district_officer,
        region_code="310104000000",
        group=CareGroup.VERY_OLD,
        interval_days=7,
        active=False,
    )
    care.care_calls_generate(day=TODAY)
    assert list(calls_on(TODAY).values_list("elder_id", flat=True)) == [alone.pk]
    assert old_only.pk not in calls_on(TODAY).values_list("elder_id", flat=True)


def test_people_who_died_or_moved_out_get_no_call_and_their_open_ones_are_dropped(operator, street_officer):
    died, moved, stays = b.elder(name="已故者"), b.elder(name="迁出者"), b.elder(name="在册者")
    yesterday = TODAY - dt.timedelta(days=1)
    for person in (died, moved, stays):
        b.due(person, yesterday)
    people_services.elder_record_death(actor=street_officer, elder_id=died.pk, date=TODAY)
    people_services.elder_move_out(actor=street_officer, elder_id=moved.pk, date=TODAY)
    result = care.care_calls_generate(day=TODAY)
    left = CareCall.objects.unscoped(reason="test").values_list("elder_id", "due_on")
    assert sorted(left) == [(stays.pk, yesterday)]  # the waiting call stays; no second one today
    assert result == {"created": 0, "dropped": 2, "people": 1}


def test_running_twice_makes_nothing_new(operator):
    for n in range(3):
        b.elder(name=f"重复{n}")
    first = care.care_calls_generate(day=TODAY)
    second = care.care_calls_generate(day=TODAY)
    assert first["created"] == 3 and second["created"] == 0 and calls_on(TODAY).count() == 3


def test_calls_go_round_robin_to_the_operators_covering_the_person():
    a = factories.user(role="operator", regions=["310104000000"], username="op_a")
    c = factories.user(role="operator", regions=[HUNAN], username="op_c")
    bb = factories.user(role="operator", regions=["310104000000"], username="op_b")
    gone = factories.user(role="operator", regions=[TIANPING], username="op_gone")
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    tianping = [b.elder(region=b.TIANPING_1, name=f"天平{n}") for n in range(4)]
    hunan = [b.elder(region=b.HUNAN_1, name=f"湖南{n}") for n in range(2)]
    elsewhere = b.elder(region="310105001001", name="长宁者")
    care.care_calls_generate(day=TODAY)
    given = dict(calls_on(TODAY).values_list("elder_id", "operator_id"))
    assert sorted(given[p.pk] for p in tianping) == sorted([a.pk, a.pk, bb.pk, bb.pk])
    assert [given[p.pk] for p in hunan] == [c.pk, c.pk]  # the least loaded of the three covering 湖南路
    assert given[elsewhere.pk] is None  # nobody covers 长宁: unassigned
