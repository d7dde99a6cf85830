"""Division codes: levels, parents and subtree ranges, enumerated over the shipped file."""

import csv

import pytest

from yanglao.core import divisions
from yanglao.core.demo import DATA


@pytest.mark.parametrize(
    ("code", "level", "parent", "rng"),
    [
        ("310000000000", "province", None, ("310000000000", "320000000000")),
        ("310100000000", "city", "310000000000", ("310100000000", "310200000000")),
        ("310104000000", "county", "310100000000", ("310104000000", "310105000000")),
        ("310104003000", "township", "310104000000", ("310104003000", "310104004000")),
        ("310104003001", "village", "310104003000", ("310104003001", "310104003002")),
        ("310104099000", "township", "310104000000", ("310104099000", "310104100000")),
        ("319900000000", "city", "310000000000", ("319900000000", "320000000000")),
    ],
)
def test_levels_parents_ranges(code, level, parent, rng):
    assert divisions.level_of(code) == level
    assert divisions.parent_of(code) == parent
    assert divisions.subtree_range(code) == rng


@pytest.mark.parametrize("bad", ["31010400300", "3101040030001", "31010400300A", "", "000000000000"])
def test_invalid_codes_are_refused_in_chinese(bad):
    with pytest.raises(divisions.DivisionCodeError, match="区划代码"):
        divisions.validate(bad)


def test_normalise_pads_published_short_forms():
    assert divisions.normalise("310104") == "310104000000"
    assert divisions.normalise(" 310104003 ") == "310104003000"
    with pytest.raises(divisions.DivisionCodeError):
        divisions.normalise("3101040")


def test_merge_ranges_collapses_nested_and_adjacent():
    ranges = [
        divisions.subtree_range(c) for c in ("310104000000", "310104003000", "310105000000", "320000000000")
    ]
    assert divisions.merge_ranges(ranges) == [
        ("310104000000", "310106000000"),
        ("320000000000", "330000000000"),
    ]


def test_every_shipped_row_sits_inside_its_parent_range():
    with open(DATA / "divisions.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 10_000
    codes = {r["code"] for r in rows}
    for row in rows:
        assert divisions.validate(row["code"]) == row["code"]
        if row["parent_code"]:
            assert row["parent_code"] in codes
            assert divisions.contains(row["parent_code"], row["code"])
    xuhui = [r for r in rows if r["parent_code"] == "310104000000"]
    assert len(xuhui) == 14  # 13 streets and towns + 漕河泾新兴技术开发区
    assert (
        sum(1 for r in rows if r["code"].startswith("310104") and divisions.level_of(r["code"]) == "village")
        == 313
    )


def test_ancestors_and_self_runs_from_the_code_up_to_its_province():
    assert divisions.ancestors_and_self("310104003001") == [
        "310104003001",
        "310104003000",
        "310104000000",
        "310100000000",
        "310000000000",
    ]
    assert divisions.ancestors_and_self("310104000000") == ["310104000000", "310100000000", "310000000000"]
    assert divisions.ancestors_and_self("310000000000") == ["310000000000"]
