"""The indicator library counted by hand: every required code exists, each figure of a small district is the
one a person would count, sums roll up to the street and district, a closed month keeps its stocks, and no
data is never shown as zero."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core import indicators
from yanglao.core.indicators import Period
from yanglao.core.models import Region
from yanglao.dashboard import selectors, services
from yanglao.dashboard.models import MeasureFact, MeasureRun
from yanglao.dashboard.tests import builders

pytestmark = pytest.mark.django_db

REQUIRED = [
    "elders_60",
    "elders_80",
    "beds_total",
    "beds_per_1000_elders",
    "nursing_bed_share",
    "cognitive_beds",
    "private_bed_share",
    "inclusive_bed_share",
    "family_care_beds",
    "bed_occupancy",
    "institutions_open_share",
    "meal_capacity_share_65",
    "facility_area_per_person",
    "streets_with_centre_share",
    "communities_with_facility_share",
    "assessed_share_disabled",
    # registered by services and alarms
    "orders_served",
    "late_visit_share",
    "hardship_monthly_visit_rate",
    "alarms_raised",
    "alarms_answered_60s_share",
]
XUHUI, TIANPING, HUNAN = "310104000000", "310104003000", "310104004000"


def test_every_required_indicator_is_registered_with_known_measures():
    assert set(REQUIRED) <= set(indicators.INDICATORS)
    for indicator in indicators.INDICATORS.values():
        assert indicator.numerator_part.measure in indicators.MEASURES
        for dim in indicator.numerator_part.dims:
            assert dim in dict(indicators.MEASURES[indicator.numerator_part.measure].dims)
        assert indicator.name and indicator.definition and indicator.unit


def test_register_refuses_an_unknown_measure_and_a_changed_duplicate():
    with pytest.raises(ValueError, match="unknown measure"):
        indicators.register(indicators.Indicator("x_test", "x", "人", "no_such_measure"))
    with pytest.raises(ValueError, match="registered twice"):
        indicators.register(indicators.Indicator("elders_60", "别的名字", "人", "elders:60"))


@pytest.fixture
def counted(district_officer, street_officer):
    old, mid, _young = builders.district(street_officer)
    builders.served(street_officer, old, visiting=True)
    builders.served(street_officer, mid, late=True)
    builders.alarm(old, answer_seconds=45)
    builders.alarm(old, answer_seconds=61)
    builders.alarm(mid, answer_seconds=None)
    services.refresh(period=Period.of(timezone.localdate()))
    return district_officer


def values(user, code, codes=None):
    region = Region.objects.get(code=code)
    rows = selectors.figures(user=user, region=region, period=Period.of(timezone.localdate()), codes=codes)
    return {f.indicator.code: f for f in rows}


def test_each_figure_is_what_a_person_counts(counted):
    f = values(counted, XUHUI)
    streets = Region.objects.filter(code__startswith="310104", level="township").count()
    communities = Region.objects.filter(code__startswith="310104", level="village").count()
    expected = {
        "elders_60": 3,
        "elders_80": 1,
        "beds_total": 5,
        "beds_per_1000_elders": round(5 / 3 * 1000, 1),
        "nursing_bed_share": 60.0,
        "cognitive_beds": 1,
        "private_bed_share": 100.0,
        "inclusive_bed_share": 0.0,
        "family_care_beds": 0,
        "bed_occupancy": 20.0,
        "institutions_open_share": 100.0,
        "meal_capacity_share_65": round(150 / 2 * 100, 1),
        "streets_with_centre_share": round(1 / streets * 100, 1),
        "communities_with_facility_share": round(2 / communities * 100, 1),
        "orders_served": 2,
        "late_visit_share": 50.0,
        "alarms_raised": 3,
        "alarms_answered_60s_share": round(1 / 3 * 100, 1),
    }
    assert {code: f[code].value for code in expected} == expected
    assert (f["nursing_bed_share"].numerator, f["nursing_bed_share"].denominator) == (3, 5)
    # 特殊困难: the 86-year-old living alone (高龄, 独居) is one and was visited; the other two are neither.
    assert (f["hardship_monthly_visit_rate"].numerator, f["hardship_monthly_visit_rate"].denominator) == (
        1,
        1,
    )


def test_no_data_is_none_not_zero(counted):
    f = values(counted, XUHUI)
    # Nobody assessed: no share of the assessed can be made; population unknown: no area per person.
    assert f["assessed_share_disabled"].value is None
    assert f["assessed_share_disabled"].status == "no_data"
    assert f["facility_area_per_person"].value is None
    assert f["facility_area_per_person"].denominator is None  # unknown population, not zero people
    # 湖南路 was counted (zero beds) but has no beds to take a share of.
    hunan = values(counted, HUNAN)
    assert hunan["beds_total"].value == 0
    assert hunan["nursing_bed_share"].value is None


def test_figures_roll_up_from_community_to_street_and_district(counted):
    one = values(counted, builders.TIANPING_1)
    street = values(counted, TIANPING)
    district = values(counted, XUHUI)
    assert one["elders_60"].value == 2
    assert street["elders_60"].value == district["elders_60"].value == 3
    # Shanghai's own row holds the district's figures too (the only district with data here); the district
    # officer may not read it (command line: the server's own rights).
    assert values(None, "310000000000")["beds_total"].value == 5
    assert values(counted, "310000000000")["beds_total"].value == 0


def test_population_is_the_regions_own_not_a_sum(counted):
    Region.objects.filter(code=XUHUI).update(population=10000)
    Region.objects.filter(code=TIANPING).update(population=4000)
    services.refresh(period=Period.of(timezone.localdate()))
    assert values(counted, XUHUI)["facility_area_per_person"].value == round(2000 / 10000, 3)
    assert values(counted, TIANPING)["facility_area_per_person"].value == round(2000 / 4000, 3)


def test_refresh_replaces_the_month_and_records_the_run(counted, street_officer):
    period = Period.of(timezone.localdate())
    builders.alarm(builders.district_person(street_officer), answer_seconds=10)
    result = services.refresh(period=period)
    assert values(counted, XUHUI)["alarms_raised"].value == 4
    assert MeasureRun.objects.filter(period=period.start).count() == len(indicators.MEASURES)
    rows = MeasureFact.objects.unscoped(reason="test").filter(period=period.start).count()
    assert rows == result.rows


def test_a_closed_month_recounts_flows_and_keeps_its_stocks(counted, street_officer):
    today = timezone.localdate()
    last = Period.of(today).shift(-1)
    raised = timezone.make_aware(dt.datetime.combine(last.start + dt.timedelta(days=3), dt.time(9)))
    old = builders.district_person(street_officer)
    builders.alarm(old, answer_seconds=30, raised=raised)
    result = services.refresh(period=last)
    assert "alarms" in result.measures and "beds" in result.skipped
    figures = {
        f.indicator.code: f
        for f in selectors.figures(user=counted, region=Region.objects.get(code=XUHUI), period=last)
    }
    assert figures["alarms_raised"].value == 1
    assert figures["beds_total"].value is None  # never taken while last month ran
    with pytest.raises(services.PeriodRefused):
        services.refresh(period=Period.of(today).shift(1))


def test_year_ago_and_history_come_from_the_monthly_facts(counted):
    period = Period.of(timezone.localdate())
    services.backfill(
        period=period.shift(-12),
        values={(XUHUI, "beds", "nursing"): 1.0, (XUHUI, "beds", "ordinary"): 3.0},
    )
    f = values(counted, XUHUI)["nursing_bed_share"]
    assert f.year_ago == 25.0
    assert dict((str(p), v) for p, v in f.history)[str(period.shift(-12))] == 25.0
    assert str(period.shift(-12)) in f.estimated_months and str(period) not in f.estimated_months
