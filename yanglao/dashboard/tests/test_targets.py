"""Plan targets: versions instead of overwrites, scope on every write, which target a region is held to,
and the seeds' targets loaded for the demo."""

import pytest

from yanglao.core.errors import NotFound
from yanglao.core.models import Region
from yanglao.dashboard import demo, selectors, services
from yanglao.dashboard.errors import TargetRefused
from yanglao.dashboard.models import PlanTarget

pytestmark = pytest.mark.django_db

XUHUI, TIANPING, HUNAN = "310104000000", "310104003000", "310104004000"


def create(actor, region=XUHUI, indicator="nursing_bed_share", value=60, year=2027, **kw):
    return services.target_create(
        actor=actor,
        region_code=region,
        indicator=indicator,
        comparator=kw.pop("comparator", "gte"),
        value=value,
        target_year=year,
        source_document="《测试规划》",
        **kw,
    )


def test_a_revision_is_a_new_version_and_the_old_one_is_kept(district_officer):
    first = create(district_officer)
    second = services.target_revise(
        actor=district_officer,
        target_id=first.pk,
        comparator="gte",
        value=65,
        target_year=2028,
        source_document="《测试规划（修订）》",
        reason="区政府调整目标",
    )
    first.refresh_from_db()
    assert (second.version, second.lineage, second.value) == (2, first.pk, 65)
    assert first.superseded_at is not None and not first.withdrawn
    assert [t.version for t in selectors.target_history(user=district_officer, lineage=first.pk)] == [2, 1]
    assert [t.pk for t in selectors.target_list(user=district_officer)] == [second.pk]
    with pytest.raises(NotFound):  # only the current version can be revised
        services.target_revise(
            actor=district_officer,
            target_id=first.pk,
            comparator="gte",
            value=70,
            target_year=2028,
            source_document="x",
            reason="再改",
        )


def test_withdraw_needs_a_reason_and_ends_the_target(district_officer):
    target = create(district_officer)
    with pytest.raises(TargetRefused) as refused:
        services.target_withdraw(actor=district_officer, target_id=target.pk, reason=" ")
    assert refused.value.code == "dashboard.withdraw_no_reason"
    services.target_withdraw(actor=district_officer, target_id=target.pk, reason="规划废止")
    target.refresh_from_db()
    assert target.withdrawn and target.superseded_at
    assert selectors.target_list(user=district_officer) == []


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"indicator": "no_such"}, "indicator"),
        ({"value": 120}, "value"),
        ({"value": -1}, "value"),
        ({"year": 1999}, "target_year"),
        ({"comparator": "gt"}, "comparator"),
    ],
)
def test_bad_targets_are_refused_with_the_field(district_officer, kw, field):
    with pytest.raises(TargetRefused) as refused:
        create(district_officer, **kw)
    assert field in refused.value.fields


def test_one_current_target_per_region_indicator_and_year(district_officer):
    create(district_officer)
    with pytest.raises(TargetRefused) as refused:
        create(district_officer)
    assert refused.value.code == "dashboard.target_duplicate"
    create(district_officer, year=2030)  # another year is another target


def test_writes_stay_in_scope(street_officer, other_street_officer, district_officer):
    with pytest.raises(NotFound):
        create(street_officer, region=XUHUI)  # above the street officer
    with pytest.raises(NotFound):
        create(street_officer, region=HUNAN)  # another street
    theirs = create(district_officer, region=HUNAN)
    for action in (
        lambda: services.target_revise(
            actor=street_officer,
            target_id=theirs.pk,
            comparator="gte",
            value=1,
            target_year=2030,
            source_document="x",
            reason="越权",
        ),
        lambda: services.target_withdraw(actor=street_officer, target_id=theirs.pk, reason="越权"),
    ):
        with pytest.raises(NotFound):
            action()
    assert PlanTarget.objects.unscoped(reason="test").get(pk=theirs.pk).superseded_at is None


def test_shares_are_inherited_by_the_streets_and_counts_are_not(district_officer):
    create(district_officer, indicator="nursing_bed_share", value=60)
    create(district_officer, indicator="beds_total", value=1000, comparator="gte")
    street = Region.objects.get(code=TIANPING)
    held = selectors.targets_for(region=street, year=2026)
    assert held["nursing_bed_share"].inherited and held["nursing_bed_share"].region_name == "徐汇区"
    assert "beds_total" not in held
    own = create(district_officer, region=TIANPING, indicator="nursing_bed_share", value=70)
    assert selectors.targets_for(region=street, year=2026)["nursing_bed_share"].pk == own.pk


def test_the_first_target_year_not_past_counts_else_the_latest(district_officer):
    for year, value in ((2020, 500), (2022, 1000), (2030, 2000)):
        create(district_officer, indicator="cognitive_beds", value=value, year=year)
    xuhui = Region.objects.get(code=XUHUI)
    assert selectors.targets_for(region=xuhui, year=2021)["cognitive_beds"].value == 1000
    assert selectors.targets_for(region=xuhui, year=2026)["cognitive_beds"].value == 2000
    assert selectors.targets_for(region=xuhui, year=2031)["cognitive_beds"].value == 2000


def test_the_seeds_targets_are_loaded_once_per_indicator_and_year_labelled():
    made = demo.seed_targets()
    assert demo.seed_targets() == 0  # idempotent
    rows = PlanTarget.objects.unscoped(reason="test").filter(region_id=XUHUI)
    assert rows.count() == made
    nursing = rows.get(indicator="nursing_bed_share")
    assert (nursing.value, nursing.target_year) == (60, 2022)  # Shanghai's own plan first
    assert "闵行" in nursing.source_document and nursing.note.startswith("演示数据：取自闵行区规划")
    assert sorted(rows.filter(indicator="cognitive_beds").values_list("target_year", "value")) == [
        (2020, 500),
        (2022, 1000),
    ]
    assert rows.get(indicator="family_care_beds").value == 5000
    assert rows.get(indicator="beds_per_1000_elders").value == 35
