"""Quality monitoring: settings as data (most specific region wins), the watcher (no-show, no check-out,
idempotent, a fixed number of queries), handling alerts, the follow-up sample and calls."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.core.errors import DomainError, NotFound
from yanglao.core.models import Event
from yanglao.services import quality_rules, selectors, services
from yanglao.services.models import FollowUpCall, ServiceAlert
from yanglao.services.tests.builders import place
from yanglao.services.tests.quality_builders import accepted, checked_in, finished

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- pure rules


def test_working_days_skip_the_weekend():
    friday = dt.date(2026, 11, 27)
    assert quality_rules.add_working_days(friday, 1) == dt.date(2026, 11, 30)  # Monday
    assert quality_rules.add_working_days(friday, 2) == dt.date(2026, 12, 1)
    assert quality_rules.add_working_days(dt.date(2026, 11, 28), 1) == dt.date(2026, 11, 30)  # Saturday
    assert quality_rules.add_working_days(friday, 20) == dt.date(2026, 12, 25)


def test_the_sample_takes_exactly_the_percent_of_each_hundred_ids():
    for percent in (0, 10, 37, 100):
        assert sum(quality_rules.in_sample(i, percent) for i in range(1, 101)) == percent
        assert sum(quality_rules.in_sample(i, percent) for i in range(501, 601)) == percent


# ---------------------------------------------------------------- settings


def test_settings_default_then_district_then_street(district_officer):
    shipped = selectors.quality_setting_for(region_code="310104003001")
    assert shipped.is_default and shipped.pk is None and shipped.no_show_minutes == 30
    services.quality_setting_set(actor=district_officer, region_code="310104000000", no_show_minutes=45)
    services.quality_setting_set(actor=district_officer, region_code="310104003000", reply_days=3)
    street = selectors.quality_setting_for(region_code="310104003001")
    assert (street.region_id, street.no_show_minutes, street.reply_days) == ("310104003000", 45, 3)
    other = selectors.quality_setting_for(region_code="310104004001")
    assert (other.region_id, other.no_show_minutes, other.reply_days) == ("310104000000", 45, 2)
    assert selectors.quality_setting_for(region_code="310105001001").is_default


def test_settings_refuse_bad_values_other_districts_and_street_officials(district_officer, street_officer):
    with pytest.raises(DomainError) as refused:
        services.quality_setting_set(
            actor=district_officer, region_code="310104000000", follow_up_percent=150
        )
    assert (
        refused.value.code == "services.quality_setting_range" and "follow_up_percent" in refused.value.fields
    )
    with pytest.raises(DomainError) as refused:
        services.quality_setting_set(
            actor=district_officer, region_code="310104000000", reply_days=10, resolve_days=5
        )
    assert refused.value.code == "services.quality_deadlines_order"
    with pytest.raises(NotFound):
        services.quality_setting_set(actor=district_officer, region_code="310105000000", reply_days=3)
    with pytest.raises(PermissionDenied):
        services.quality_setting_set(actor=street_officer, region_code="310104003000", reply_days=3)


# ---------------------------------------------------------------- the watcher


def test_no_show_after_the_grace_once(crew):
    _manager, workers, order = crew
    accepted(order, workers[0])
    start = order.scheduled_start
    assert services.quality_watch(now=start + dt.timedelta(minutes=29))["no_show"] == 0
    before = Event.objects.unscoped(reason="test").filter(topic="services.alert").count()
    assert services.quality_watch(now=start + dt.timedelta(minutes=31))["no_show"] == 1
    assert services.quality_watch(now=start + dt.timedelta(minutes=45))["no_show"] == 0
    alert = ServiceAlert.objects.unscoped(reason="test").get(order=order)
    assert alert.kind == "no_show" and alert.status == "open" and "仍未签到" in alert.message
    event = Event.objects.unscoped(reason="test").filter(topic="services.alert").order_by("-pk").first()
    assert Event.objects.unscoped(reason="test").filter(topic="services.alert").count() == before + 1
    assert (event.region_code, event.organisation_id) == (order.region_id, order.provider_id)


def test_no_checkout_after_the_end_grace_and_not_for_checked_in_no_show(crew):
    _manager, workers, order = crew
    checked_in(order, workers[0])
    end = order.scheduled_end
    result = services.quality_watch(now=end + dt.timedelta(minutes=59))
    assert result == {"no_show": 0, "no_checkout": 0, "escalated": 0}
    assert services.quality_watch(now=end + dt.timedelta(minutes=61))["no_checkout"] == 1
    assert list(ServiceAlert.objects.unscoped(reason="test").values_list("kind", flat=True)) == [
        "no_checkout"
    ]


def test_a_district_grace_changes_what_the_watcher_sees(crew, district_officer):
    _manager, workers, order = crew
    accepted(order, workers[0])
    services.quality_setting_set(actor=district_officer, region_code="310104000000", no_show_minutes=60)
    assert services.quality_watch(now=order.scheduled_start + dt.timedelta(minutes=45))["no_show"] == 0
    assert services.quality_watch(now=order.scheduled_start + dt.timedelta(minutes=61))["no_show"] == 1


def test_the_watcher_costs_the_same_for_few_and_many_orders(street_officer, crew):
    _manager, workers, first = crew
    accepted(first, workers[0])
    from yanglao.people.tests import factories as people_factories

    sold = first.offering  # one provider and community: one event per pass either way

    def make(n, tag):
        for i in range(n):
            person = people_factories.elder(actor=street_officer, name="独居老人")
            accepted(place(street_officer, person, sold, f"watch-{tag}-{i:04d}"), workers[1])

    def measure(now):
        with CaptureQueriesContext(connection) as queries:
            services.quality_watch(now=now)
        return len(queries)

    make(2, "a")
    few = measure(first.scheduled_start + dt.timedelta(minutes=31))
    make(15, "b")
    many = measure(first.scheduled_start + dt.timedelta(minutes=32))
    assert ServiceAlert.objects.unscoped(reason="test").filter(kind="no_show").count() == 18
    assert many == few


# ---------------------------------------------------------------- handling


def test_handling_needs_a_note_and_stays_in_scope(crew, street_officer, other_street_officer, provider_staff):
    manager, workers, order = crew
    accepted(order, workers[0])
    services.quality_watch(now=order.scheduled_start + dt.timedelta(hours=1))
    alert = ServiceAlert.objects.unscoped(reason="test").get(order=order)
    with pytest.raises(DomainError) as refused:
        services.alert_handle(actor=manager, alert_id=alert.pk, note="  ")
    assert refused.value.code == "services.alert_note_invalid"
    with pytest.raises(DomainError):
        services.alert_handle(actor=manager, alert_id=alert.pk, note="x" * 301)
    for outsider in (other_street_officer, provider_staff):
        with pytest.raises(NotFound):
            services.alert_handle(actor=outsider, alert_id=alert.pk, note="看过")
    handled = services.alert_handle(actor=manager, alert_id=alert.pk, note="护理员堵车，已改派")
    assert (handled.status, handled.handled_by, handled.note) == ("closed", manager, "护理员堵车，已改派")
    assert LogEntry.objects.filter(
        content_type__model="servicealert", object_pk=str(alert.pk), action=LogEntry.Action.UPDATE
    ).exists()
    with pytest.raises(DomainError) as refused:
        services.alert_handle(actor=street_officer, alert_id=alert.pk, note="再处理")
    assert refused.value.code == "services.alert_already_closed"


def test_the_street_handles_alerts_of_its_street(crew, street_officer):
    _manager, workers, order = crew
    checked_in(order, workers[0])
    services.quality_watch(now=order.scheduled_end + dt.timedelta(hours=2))
    alert = ServiceAlert.objects.unscoped(reason="test").get(order=order)
    assert (
        services.alert_handle(actor=street_officer, alert_id=alert.pk, note="已电话核实").status == "closed"
    )


# ---------------------------------------------------------------- follow-up calls


def _sampled_and_not(street_officer, worker, sold, n=40):
    from yanglao.people.tests import factories as people_factories

    orders = []
    for i in range(n):
        person = people_factories.elder(actor=street_officer, name="回访老人")
        orders.append(finished(place(street_officer, person, sold, f"follow-{i:04d}"), worker, rating=5))
    return orders


def test_the_follow_up_list_is_the_sample_of_finished_orders(crew, street_officer, district_officer):
    _manager, workers, order = crew
    orders = _sampled_and_not(street_officer, workers[0], order.offering)
    due = {o.pk for o in selectors.follow_up_filterset(user=street_officer, params={}).qs}
    expected = {o.pk for o in orders if quality_rules.in_sample(o.pk, 10)}
    assert due == expected and due
    services.quality_setting_set(actor=district_officer, region_code="310104003000", follow_up_percent=50)
    due = {o.pk for o in selectors.follow_up_filterset(user=street_officer, params={}).qs}
    assert due == {o.pk for o in orders if quality_rules.in_sample(o.pk, 50)}
    assert order.pk not in due  # not finished


def test_a_call_reached_leaves_the_list_and_unsatisfied_raises_low_rating(crew, street_officer):
    _manager, workers, order = crew
    orders = _sampled_and_not(street_officer, workers[0], order.offering)
    target = next(o for o in orders if quality_rules.in_sample(o.pk, 10))
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(actor=street_officer, order_id=target.pk, reached=True)
    assert refused.value.code == "services.follow_up_no_answer"
    services.follow_up_record(actor=street_officer, order_id=target.pk, reached=False)
    assert target.pk in {o.pk for o in selectors.follow_up_filterset(user=street_officer, params={}).qs}
    call = services.follow_up_record(
        actor=street_officer, order_id=target.pk, reached=True, satisfaction="unsatisfied", note="护理员迟到"
    )
    assert call.region_id == target.region_id and call.provider_id == target.provider_id
    assert target.pk not in {o.pk for o in selectors.follow_up_filterset(user=street_officer, params={}).qs}
    assert ServiceAlert.objects.unscoped(reason="test").get(order=target).kind == "low_rating"
    assert FollowUpCall.objects.unscoped(reason="test").filter(order=target).count() == 2


def test_follow_ups_only_for_finished_orders_in_scope(crew, street_officer, other_street_officer):
    _manager, workers, order = crew
    with pytest.raises(DomainError) as refused:
        services.follow_up_record(actor=street_officer, order_id=order.pk, reached=False)
    assert refused.value.code == "services.follow_up_unfinished"
    finished(order, workers[0])
    with pytest.raises(NotFound):
        services.follow_up_record(actor=other_street_officer, order_id=order.pk, reached=False)
