"""今日工单, the caregiver's phone page: the day's route in order, in a few queries whatever the table's size,
with the addresses in clear and each view audited; another caregiver's job is not found."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories
from yanglao.services import selectors, visiting
from yanglao.services.models import ServiceOrder
from yanglao.services.tests.builders import place

pytestmark = pytest.mark.django_db


def at(hour, minute=0, days=0):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def day(crew, street_officer):
    """Caregiver 1 holds four of today's jobs (two in the 9 o'clock hour, the farther one booked first), one of
    tomorrow's and one cancelled; caregiver 0 holds one of today's."""
    _manager, workers, first = crew
    sold = first.offering
    homes = {
        "near": (31.2101, 121.444, "天平路1号", "近处老人"),
        "far": (31.2300, 121.444, "天平路99号", "远处老人"),
        "noon": (31.2000, 121.444, "天平路50号", "午间老人"),
        "nowhere": (None, None, "", "无址老人"),
    }
    people = {
        key: people_factories.elder(actor=street_officer, name=name, lat=lat, lng=lng, address=address)
        for key, (lat, lng, address, name) in homes.items()
    }
    plan = [
        ("far", workers[1], at(9, 0)),
        ("near", workers[1], at(9, 30)),
        ("noon", workers[1], at(12, 0)),
        ("nowhere", workers[1], at(12, 0)),
        ("near", workers[1], at(9, 0, days=1)),
        ("noon", workers[0], at(10, 0)),
    ]
    orders = {}
    for n, (who, worker, start) in enumerate(plan):
        order = place(street_officer, people[who], sold, f"care-day-{n:03d}", start=at(8, days=2 + n))
        # dispatched and accepted (dispatch is tested elsewhere; two noon jobs would not be dispatchable)
        ServiceOrder.objects.unscoped(reason="test").filter(pk=order.pk).update(
            caregiver=worker,
            status="accepted",
            scheduled_start=start,
            scheduled_end=start + dt.timedelta(hours=1),
        )
        orders[(who, start.hour, start.date())] = order.pk
    cancelled = place(street_officer, people["near"], sold, "care-day-cancelled", start=at(15, days=2))
    ServiceOrder.objects.unscoped(reason="test").filter(pk=cancelled.pk).update(
        caregiver=workers[1], status="cancelled", scheduled_start=at(15), scheduled_end=at(16)
    )
    return workers, orders


def test_the_day_is_in_route_order(day):
    workers, orders = day
    stops = selectors.caregiver_today(user=workers[1].user)
    today = timezone.localdate()
    # 9 o'clock: the caregiver sets out from 31.2100, so the near home (booked 9:30) comes before the far one
    # (booked 9:00); at noon the home with a position first, then the one without.
    assert [s.order.pk for s in stops] == [
        orders[("near", 9, today)],
        orders[("far", 9, today)],
        orders[("noon", 12, today)],
        orders[("nowhere", 12, today)],
    ]
    assert [s.position for s in stops] == [1, 2, 3, 4]
    assert stops[0].checklist == visiting.checklist_for("SH-ZY") and stops[0].photos_required == 0


def test_the_day_takes_at_most_four_queries(day, django_assert_max_num_queries):
    """The caregiver, the day's orders with the person and the item, the items' rules. (The user's permissions
    and regions are read once per request by the sign-in, as the page's permission check does first.)"""
    workers, _orders = day
    user = workers[1].user
    assert user.has_perm("services.view_serviceorder") and user.scope_ranges() is not None
    with django_assert_max_num_queries(4):
        stops = selectors.caregiver_today(user=user)
        assert [s.order.elder.name for s in stops]
        assert [s.order.item.name for s in stops]


def test_the_day_reads_the_caregiver_day_index(day):
    workers, _orders = day
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    plan = selectors.care_orders(user=workers[1].user, caregiver=workers[1], day=start.date()).explain()
    if connection.vendor == "sqlite":
        assert "order_caregiver_day" in plan


def test_route_puts_the_nearest_next_within_an_hour():
    t = timezone.now().replace(minute=0, second=0, microsecond=0)
    stops = [
        visiting.Stop(1, t, 31.30, 121.4),
        visiting.Stop(2, t + dt.timedelta(minutes=30), 31.21, 121.4),
        visiting.Stop(3, t + dt.timedelta(minutes=45), 31.22, 121.4),
        visiting.Stop(4, t + dt.timedelta(hours=1), 31.20, 121.4),
    ]
    assert visiting.route(stops, (31.20, 121.4)) == [2, 3, 1, 4]
    assert visiting.route(stops, None) == [1, 3, 2, 4]


def test_the_page_shows_the_route_with_addresses_and_audits_the_view(day, client):
    workers, orders = day
    client.force_login(workers[1].user)
    response = client.get("/services/care/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "今日工单" in html and "共 4 单" in html
    assert html.index("天平路1号") < html.index("天平路99号")  # the address in clear, in route order
    assert "无址老人" in html and "未登记居住地址" in html
    entry = LogEntry.objects.filter(additional_data__event="care_route.reveal").get()
    assert sorted(entry.additional_data["orders"]) == sorted(
        pk
        for (_who, _h, d), pk in orders.items()
        if d == timezone.localdate() and pk != orders[("noon", 10, d)]
    )
    assert "天平路" not in str(entry.additional_data) and "天平路" not in entry.object_repr
    assert 'href="/services/care/"' in html  # the navigation item 今日工单


def test_the_job_page_shows_what_to_do(day, client):
    workers, orders = day
    client.force_login(workers[1].user)
    pk = orders[("near", 9, timezone.localdate())]
    html = client.get(f"/services/care/{pk}/").content.decode()
    for thing in visiting.checklist_for("SH-ZY"):
        assert thing in html
    for button in ("签到", "签退", "提交服务内容", "确认", "提交老人签字"):
        assert f">{button}</button>" in html
    assert "服务照片" not in html  # the bath needs no photos
    assert "js/care-visit.js" in html


def test_another_caregivers_job_is_not_found_and_others_have_no_page(day, client, crew):
    workers, orders = day
    client.force_login(workers[0].user)
    assert client.get(f"/services/care/{orders[('near', 9, timezone.localdate())]}/").status_code == 404
    client.force_login(crew[0])  # the provider's manager is not a caregiver
    assert client.get("/services/care/").status_code == 403
    client.force_login(factories.user(role="family", username="family_care"))
    assert client.get("/services/care/").status_code == 403


def test_the_job_page_lists_the_reports_the_server_recorded(day, client):
    workers, orders = day
    user = workers[1].user
    pk = orders[("near", 9, timezone.localdate())]
    from yanglao.services import services

    services.visit_report(
        actor=user, key="page-report-0001", order_id=pk, kind="check_in", phone_time=timezone.now()
    )
    client.force_login(user)
    html = client.get(f"/services/care/{pk}/").content.decode()
    assert "服务器记录" in html and "<strong>签到</strong>：" in html


def test_the_caregiver_accepts_or_returns_a_dispatched_order_on_the_job_page(client, crew):
    from yanglao.services import services as writes

    manager, workers, order = crew
    writes.order_dispatch(actor=manager, order_id=order.pk, caregiver_id=workers[1].pk)
    client.force_login(workers[2].user)
    assert client.post(f"/services/care/{order.pk}/accept/").status_code == 404  # not hers
    client.force_login(workers[1].user)
    assert "接单" in client.get(f"/services/care/{order.pk}/").content.decode()
    response = client.post(f"/services/care/{order.pk}/decline/", {"reason": ""})
    assert response.status_code == 422 and "原因" in response.content.decode()
    assert client.post(f"/services/care/{order.pk}/accept/").status_code == 302
    order.refresh_from_db()
    assert order.status == "accepted" and order.caregiver_id == workers[1].pk
    response = client.post(f"/services/care/{order.pk}/decline/", {"reason": "太远"})
    assert response.status_code == 422 and "工单" in response.content.decode()  # already accepted
    assert client.post(f"/services/care/{order.pk}/nope/").status_code == 404
