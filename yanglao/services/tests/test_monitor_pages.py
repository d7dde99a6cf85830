"""The monitor, supervision, alert list, follow-up and settings pages: scope (a street official sees her street
only, a provider its own), figures that link to the list they count, an empty state, handling from the monitor."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.services import services
from yanglao.services.models import ServiceAlert
from yanglao.services.rules import Breach
from yanglao.services.tests.builders import offering, place
from yanglao.services.tests.quality_builders import accepted

pytestmark = pytest.mark.django_db


def _today(hour=8):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour)))


@pytest.fixture
def two_streets(crew, district_officer):
    """An alert on the crew's order (天平路) and one on another provider's order in 湖南路."""
    from yanglao.people.tests import factories as people_factories

    manager, _workers, order = crew
    ours = services.alerts_raise(order=order, breaches=[Breach("late", "warn", "迟到 40 分钟")], at=_today())[
        0
    ]
    sold = offering("310104004001", code="SH-ZY", contract=None, areas=("310104004000",))
    person = people_factories.elder(actor=district_officer, name="湖南路老人", region_code="310104004001")
    theirs_order = place(district_officer, person, sold, "other-street-1")
    theirs = services.alerts_raise(
        order=theirs_order, breaches=[Breach("far_in", "warn", "签到位置异常 900 米")], at=_today()
    )[0]
    return manager, ours, theirs


def test_pages_show_a_clear_empty_state(client, district_officer, provider_staff):
    client.force_login(provider_staff)
    page = client.get("/services/monitor/").content.decode()
    assert "暂无待处理异常" in page and "服务监控" in page
    client.force_login(district_officer)
    assert "暂无今日工单与异常" in client.get("/services/supervision/").content.decode()
    assert "暂无符合条件的异常" in client.get("/services/alerts/").content.decode()
    assert "暂无待回访工单" in client.get("/services/follow-ups/").content.decode()
    assert "暂无投诉" in client.get("/services/complaints/").content.decode()


def test_a_street_official_sees_her_street_only(client, two_streets, street_officer, other_street_officer):
    _manager, ours, theirs = two_streets
    client.force_login(street_officer)
    listing = client.get("/services/alerts/").content.decode()
    assert f'data-alert="{ours.pk}"' in listing and f'data-alert="{theirs.pk}"' not in listing
    page = client.get("/services/supervision/").content.decode()
    assert 'data-street="310104003000"' in page and 'data-street="310104004000"' not in page
    assert client.get(f"/services/alerts/{theirs.pk}/").status_code == 404
    assert client.post(f"/services/alerts/{theirs.pk}/", {"note": "越权"}).status_code == 404
    export = client.get("/services/alerts/export/?format=csv")
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert "迟到 40 分钟" in body and "900 米" not in body
    client.force_login(other_street_officer)
    listing = client.get("/services/alerts/").content.decode()
    assert f'data-alert="{theirs.pk}"' in listing and f'data-alert="{ours.pk}"' not in listing


def test_a_provider_sees_its_own_alerts_only(client, two_streets, provider_staff):
    manager, ours, theirs = two_streets
    client.force_login(manager)
    page = client.get("/services/monitor/").content.decode()
    assert f'data-alert="{ours.pk}"' in page and f'data-alert="{theirs.pk}"' not in page
    assert "迟到 40 分钟" in page and "护理员" in page
    client.force_login(provider_staff)
    page = client.get("/services/monitor/").content.decode()
    assert f'data-alert="{ours.pk}"' not in page and "暂无待处理异常" in page


def test_supervision_figures_link_to_the_lists_they_count(client, two_streets, district_officer):
    client.force_login(district_officer)
    page = client.get("/services/supervision/").content.decode()
    day = timezone.localdate().isoformat()
    link = f"/services/alerts/?street=310104003000&amp;kind=late&amp;raised_from={day}&amp;raised_to={day}"
    assert link in page
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert listing.count("data-alert=") == 1 and "迟到 40 分钟" in listing
    assert "/services/alerts/?street=310104004000&amp;status=open" in page
    assert 'data-testid="open-310104003000">1<' in page
    assert page.count('data-testid="trend-day"') == 30


def test_handling_from_the_monitor_returns_to_it(client, two_streets):
    manager, ours, _theirs = two_streets
    client.force_login(manager)
    refused = client.post(f"/services/alerts/{ours.pk}/", {"note": "", "next": "/services/monitor/"})
    assert refused.status_code == 422 and "处理说明" in refused.content.decode()
    response = client.post(
        f"/services/alerts/{ours.pk}/", {"note": "已提醒护理员", "next": "/services/monitor/"}
    )
    assert response.status_code == 302 and response["Location"] == "/services/monitor/"
    assert ServiceAlert.objects.unscoped(reason="test").get(pk=ours.pk).status == "closed"
    away = client.post(f"/services/alerts/{ours.pk}/", {"note": "x", "next": "https://evil.example/"})
    assert away.status_code == 422  # already closed: the refusal, and never a redirect away


def test_the_monitor_counts_todays_orders_by_state(client, crew):
    manager, workers, order = crew
    from yanglao.services.tests.quality_builders import move

    move(order, scheduled_start=_today(10), scheduled_end=_today(11))
    accepted(order, workers[0])
    client.force_login(manager)
    page = client.get("/services/monitor/").content.decode()
    assert 'data-testid="orders-today">1<' in page
    assert f"?day={timezone.localdate().isoformat()}&amp;status=accepted" in page


def test_the_district_sets_its_thresholds(client, district_officer, street_officer):
    client.force_login(district_officer)
    page = client.get("/services/quality/settings/?region=310104000000").content.decode()
    assert "系统默认值（未经核实）" in page and "未签到判定" in page
    values = {
        "no_show_minutes": "20",
        "no_checkout_minutes": "60",
        "low_rating_max": "2",
        "follow_up_percent": "500",
        "reply_days": "2",
        "resolve_days": "20",
    }
    assert client.post("/services/quality/settings/?region=310104000000", values).status_code == 422
    response = client.post(
        "/services/quality/settings/?region=310104000000", values | {"follow_up_percent": "15"}
    )
    assert response.status_code == 302
    assert "当前为本区划设置" in client.get(response["Location"]).content.decode()
    client.force_login(street_officer)
    assert client.get("/services/quality/settings/?region=310104003000").status_code == 403


def test_follow_up_page_records_a_call(client, crew, street_officer):
    from yanglao.services import quality_rules
    from yanglao.services.tests.quality_builders import finished

    _manager, workers, order = crew
    finished(order, workers[0], rating=2)
    client.force_login(street_officer)
    page = client.get("/services/follow-ups/").content.decode()
    assert (f'data-order="{order.pk}"' in page) == quality_rules.in_sample(order.pk, 10)
    assert client.post(f"/services/follow-ups/{order.pk}/", {"reached": "1"}).status_code == 422
    response = client.post(
        f"/services/follow-ups/{order.pk}/", {"reached": "1", "satisfaction": "satisfied", "note": "满意"}
    )
    assert response.status_code == 302


def test_the_lists_offer_the_district_streets_to_filter_by(client, district_officer):
    client.force_login(district_officer)
    for url in ("/services/alerts/", "/services/complaints/", "/services/follow-ups/"):
        page = client.get(url).content.decode()
        assert '<option value="310104003000"' in page and '<option value="310104004000"' in page, url
