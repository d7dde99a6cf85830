"""Special groups: every rule against its database lookup, and age-band boundaries."""

import datetime as dt

import pytest

from yanglao.people import groups

TODAY = dt.date(2026, 11, 24)
BASE = {
    "birth_date": dt.date(1950, 1, 1),
    "living_arrangement": "with_children",
    "economic_status": "general",
    "family_planning_special": "",
    "disability_grade": None,
}


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({}, []),
        ({"birth_date": dt.date(1946, 11, 24)}, ["oldest_old"]),
        ({"birth_date": dt.date(1946, 11, 25)}, []),
        ({"living_arrangement": "alone"}, ["living_alone", "all_elderly"]),
        ({"living_arrangement": "spouse_only"}, ["all_elderly"]),
        ({"economic_status": "extreme_poverty"}, ["extreme_poverty"]),
        ({"economic_status": "near_dibao"}, ["dibao"]),
        ({"economic_status": "low_income"}, []),
        ({"family_planning_special": "lost_only_child"}, ["family_planning"]),
        ({"disability_grade": 2}, ["severe_disability"]),
        ({"disability_grade": 3}, []),
    ],
)
def test_group_rules(change, codes):
    assert [g.code for g in groups.groups_of(BASE | change, TODAY)] == codes


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (dt.date(1966, 11, 24), "60-69"),
        (dt.date(1966, 11, 25), None),
        (dt.date(1956, 11, 25), "60-69"),
        (dt.date(1956, 11, 24), "70-79"),
        (dt.date(1946, 11, 24), "80-89"),
        (dt.date(1936, 11, 24), "90-99"),
        (dt.date(1926, 11, 24), "100+"),
        (dt.date(1900, 1, 1), "100+"),
    ],
)
def test_age_bands(birth, band):
    assert groups.age_band_of(birth, TODAY) == band
    if band:
        lookups = groups.age_band_lookups(band, TODAY)
        assert birth <= lookups["birth_date__lte"]
        assert "birth_date__gt" not in lookups or birth > lookups["birth_date__gt"]


@pytest.mark.django_db
def test_database_lookups_agree_with_the_rules():
    from yanglao.core.models import User
    from yanglao.people.models import Elder
    from yanglao.people.selectors import elder_list
    from yanglao.people.tests import factories

    variants = [
        {},
        {"living_arrangement": "spouse_only"},
        {"economic_status": "dibao"},
        {"family_planning_special": "only_child_disabled"},
        {"disability_category": "physical", "disability_grade": 1},
        {"disability_category": "physical", "disability_grade": 4},
    ]
    for n, variant in enumerate(variants):
        factories.elder(name=f"甲{n}", **variant)
    root = User.objects.get(username="factory_root")
    today = dt.date.today()
    everyone = list(Elder.objects.unscoped(reason="test"))
    for group in groups.GROUPS:
        expected = {e.pk for e in everyone if group.applies(e.as_record(), today)}
        found = {e.pk for e in elder_list(user=root, params={"group": [group.code]}, today=today)}
        assert found == expected, group.code
