"""The path from application to settlement, against the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.ltc import services
from yanglao.ltc.errors import InvalidCarePlan, InvalidLtcSettlement
from yanglao.ltc.models import LtcVisitIssue
from yanglao.ltc.tests.builders import assess, deliver, home_plan, provider, scheme
from yanglao.people.tests import factories as people_factories
from yanglao.services import services as services_services
from yanglao.services.models import ServiceOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(street_officer, district_officer):
    scheme()
    org, worker, manager = provider()
    person = people_factories.elder(actor=street_officer, name="长护对象", lat=31.2, lng=121.44)
    app = services.ltc_apply(
        actor=street_officer, elder_id=person.pk, applicant="family", applicant_name="张小明"
    )
    return org, worker, manager, person, app


def test_an_application_starts_an_ltc_assessment_whose_result_gives_the_level(
    setup, street_officer, district_officer
):
    *_, app = setup
    assert app.assessment.instrument == "ltc-2021" and app.status == "assessing"
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    app.refresh_from_db()
    assert (app.status, app.care_level) == ("qualified", 4)
    assert app.valid_until <= timezone.localdate() + dt.timedelta(days=731)


def test_level_one_does_not_qualify(street_officer, district_officer):
    scheme()
    person = people_factories.elder(actor=street_officer, name="轻度")
    app = services.ltc_apply(
        actor=street_officer, elder_id=person.pk, applicant="self", applicant_name="本人"
    )
    from yanglao.assessment import instruments
    from yanglao.assessment import services as a_services
    from yanglao.ltc.tests.builders import answers_for  # noqa: F401  (level 0 → care level 1)

    data = instruments.get("ltc-2021")
    best = {i["code"]: max(o["score"] for o in i["options"]) for d in data["dimensions"] for i in d["items"]}
    agency = factories.organisation(region_code="310104000000", name="评估中心Z", kind="assessment_agency")
    one = factories.user(role=Role.ASSESSOR, organisation=agency, username="z1")
    two = factories.user(role=Role.ASSESSOR, organisation=agency, username="z2")
    a_services.assessment_assign(
        actor=street_officer,
        assessment_id=app.assessment_id,
        agency_id=agency.pk,
        assessor_ids=(one.pk, two.pk),
    )
    a_services.assessment_submit(actor=one, assessment_id=app.assessment_id, answers=best, context={})
    a_services.assessment_confirm(actor=two, assessment_id=app.assessment_id)
    a_services.assessment_review(actor=district_officer, assessment_id=app.assessment_id, approve=True)
    app.refresh_from_db()
    assert (app.status, app.care_level) == ("not_qualified", 1)


def test_a_level_four_plan_is_five_visits_a_week_through_services_and_settles_at_90_percent(
    setup, street_officer, district_officer
):
    org, worker, manager, _person, app = setup
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    with pytest.raises(InvalidCarePlan, match="每周上门 5 次"):
        services.plan_create(
            actor=district_officer,
            application_id=app.pk,
            provider_id=org.pk,
            caregiver_id=worker.pk,
            weekdays=[1, 3, 5],
            start_time=dt.time(9),
        )
    plan = home_plan(district_officer, app, org, worker)
    assert (plan.visits_per_week, plan.minutes_per_visit, plan.hourly_yuan) == (5, 60, Decimal("65.00"))
    stats = services_services.plan_generate(days_ahead=14)
    orders = list(
        ServiceOrder.objects.unscoped(reason="test")
        .filter(plan_id=plan.service_plan_id)
        .order_by("scheduled_start")
    )
    assert stats["placed"] == len(orders) >= 9  # two weeks of weekdays (today's 9:00 may have passed)
    assert {(o.channel, o.status, o.caregiver_id) for o in orders} == {("ltc", "dispatched", worker.pk)}
    # Four visits delivered in full and one cut short, in one month.
    month = timezone.localdate().replace(day=1)
    days = [month + dt.timedelta(days=n) for n in range(5)]
    for order, day in zip(orders[:4], days, strict=False):
        deliver(order, day=day)
    deliver(orders[4], minutes=30, day=days[4])
    s = services.settlement_prepare(actor=manager, month=month)
    assert (s.delivered_visits, s.short_visits) == (5, 1)
    assert (s.hours, s.total_yuan, s.fund_yuan, s.personal_yuan) == (
        Decimal("4.00"),
        Decimal("260.00"),
        Decimal("234.00"),
        Decimal("26.00"),
    )
    assert s.held_yuan == Decimal("65.00")
    with pytest.raises(InvalidLtcSettlement, match="待处理"):
        services.settlement_approve(actor=district_officer, settlement_id=s.pk)
    issue = LtcVisitIssue.objects.unscoped(reason="test").get(settlement=s)
    services.settlement_decide(actor=district_officer, issue_id=issue.pk, decision="actual", note="按实际")
    s.refresh_from_db()
    assert (s.hours, s.total_yuan, s.fund_yuan) == (Decimal("4.50"), Decimal("292.50"), Decimal("263.25"))
    approved = services.settlement_approve(actor=district_officer, settlement_id=s.pk)
    assert approved.status == "approved"


def test_ltc_visits_stay_out_of_the_services_settlement(setup, street_officer, district_officer):
    org, worker, manager, _person, app = setup
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    home_plan(district_officer, app, org, worker)
    services_services.plan_generate(days_ahead=7)
    month = timezone.localdate().replace(day=1)
    for order in ServiceOrder.objects.unscoped(reason="test").filter(channel="ltc"):
        deliver(order, day=month)
    statement = services_services.settlement_prepare(actor=manager, provider_id=org.pk, month=month)
    assert statement.orders == 0 and statement.confirmed == 0


def test_the_yearly_report_sums_the_approved_months(setup, street_officer, district_officer):
    from yanglao.ltc import selectors

    org, worker, manager, _person, app = setup
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    plan = home_plan(district_officer, app, org, worker)
    services_services.plan_generate(days_ahead=7)
    month = timezone.localdate().replace(day=1)
    for order in ServiceOrder.objects.unscoped(reason="test").filter(plan_id=plan.service_plan_id)[:3]:
        deliver(order, day=month)
    s = services.settlement_prepare(actor=manager, month=month)
    services.settlement_approve(actor=district_officer, settlement_id=s.pk)
    figures = selectors.yearly_report(user=district_officer, region_code="310104000000", year=month.year)
    assert (figures["people_home"], figures["providers"], figures["total_yuan"], figures["fund_yuan"]) == (
        1,
        1,
        Decimal("195.00"),
        Decimal("175.50"),
    )


def test_a_provider_outside_the_persons_district_is_refused(setup, street_officer, district_officer):
    from yanglao.core.testing import factories as core_factories

    _org, worker, _manager, _person, app = setup
    assess(app, 3, requester=street_officer, reviewer=district_officer)
    elsewhere = core_factories.organisation(
        region_code="310105000000", name="长宁某机构", kind="home_service"
    )
    with pytest.raises(InvalidCarePlan, match="老人所在区（县）的定点服务机构"):
        services.plan_create(
            actor=district_officer,
            application_id=app.pk,
            provider_id=elsewhere.pk,
            caregiver_id=worker.pk,
            weekdays=[1, 2, 3, 4, 5],
            start_time=dt.time(9),
        )
