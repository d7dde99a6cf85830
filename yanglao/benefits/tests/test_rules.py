"""The demo policies' tables, row by row, and the month rules every batch follows."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from yanglao.benefits import bankfile, rules
from yanglao.benefits.services import DEMO_POLICIES

POLICIES = {p["code"]: p for p in json.loads(DEMO_POLICIES.read_text(encoding="utf-8"))["policies"]}
NOV = dt.date(2026, 11, 1)


def verdict(code, **person):
    policy = POLICIES[code]
    return rules.decide(
        rules.clean_rule(policy["rule"]), rules.clean_bands(policy["bands"]), rules.Person(**person), NOV
    )


def born(age, *, on=dt.date(2026, 11, 30)):
    return on.replace(year=on.year - age)


@pytest.mark.parametrize(
    ("age", "amount", "band"),
    [
        (79, None, ""),
        (80, "100.00", "80至89周岁"),
        (89, "100.00", "80至89周岁"),
        (90, "500.00", "90至99周岁"),
        (99, "500.00", "90至99周岁"),
        (100, "800.00", "100周岁及以上"),
        (104, "800.00", "100周岁及以上"),
    ],
)
def test_oldest_old_allowance_bands(age, amount, band):
    v = verdict("oldest_old_allowance", birth_date=born(age))
    assert (str(v.amount) if v.amount is not None else None, v.band) == (amount, band)


def test_the_month_of_the_80th_birthday_counts_even_on_its_last_day():
    assert verdict("oldest_old_allowance", birth_date=dt.date(1946, 11, 30)).amount == Decimal("100.00")
    assert verdict("oldest_old_allowance", birth_date=dt.date(1946, 12, 1)).amount is None


@pytest.mark.parametrize(
    ("economic", "fp", "amount"),
    [
        ("dibao", "", "300.00"),
        ("low_income", "", "200.00"),
        ("near_dibao", "", "200.00"),
        ("general", "lost_only_child", "100.00"),
        ("general", "only_child_disabled", "100.00"),
        ("dibao", "lost_only_child", "300.00"),
        ("general", "", None),
        ("extreme_poverty", "", None),
    ],
)
def test_hardship_subsidy_bands(economic, fp, amount):
    v = verdict("hardship_subsidy", birth_date=born(70), economic_status=economic, family_planning_special=fp)
    assert (str(v.amount) if v.amount is not None else None) == amount


@pytest.mark.parametrize(
    ("level", "amount"), [(0, None), (1, "200.00"), (2, "400.00"), (3, "600.00"), (4, "600.00")]
)
def test_disability_care_subsidy_by_level(level, amount):
    v = verdict(
        "disability_care_subsidy",
        birth_date=born(75),
        ability_instrument="gbt42195-2022",
        ability_level=level,
        ability_valid_until=dt.date(2027, 6, 1),
    )
    assert (str(v.amount) if v.amount is not None else None) == amount


def test_an_assessment_that_expires_before_the_months_end_does_not_count():
    v = verdict(
        "disability_care_subsidy",
        birth_date=born(75),
        ability_instrument="gbt42195-2022",
        ability_level=3,
        ability_valid_until=dt.date(2026, 11, 29),
    )
    assert v.amount is None and v.why == "月末没有有效的能力评估结果"


def test_a_result_under_another_instrument_does_not_count():
    v = verdict(
        "disability_care_subsidy",
        birth_date=born(75),
        ability_instrument="ltc-2021",
        ability_level=3,
        ability_valid_until=dt.date(2027, 6, 1),
    )
    assert v.amount is None


def test_the_death_month_is_paid_and_nothing_after_it():
    died = dict(
        birth_date=born(85),
        status="deceased",
        death_date=dt.date(2026, 11, 3),
        status_date=dt.date(2026, 11, 3),
    )
    assert verdict("oldest_old_allowance", **died).amount == Decimal("100.00")
    died["death_date"] = dt.date(2026, 10, 31)
    v = verdict("oldest_old_allowance", **died)
    assert v.amount is None and v.why == "已于 2026-10-31 死亡"


def test_a_move_away_ends_payment_with_the_month_before():
    moved = dict(birth_date=born(85), status="moved_out", status_date=dt.date(2026, 11, 20))
    assert verdict("oldest_old_allowance", **moved).amount is None
    moved["status_date"] = dt.date(2026, 12, 2)
    assert verdict("oldest_old_allowance", **moved).amount == Decimal("100.00")


def test_non_local_household_registration_is_not_paid():
    assert verdict("oldest_old_allowance", birth_date=born(85), local_hukou=False).why == "不是本市户籍"


def test_an_institution_resident_is_excluded_only_where_the_rule_says_so():
    rule = rules.clean_rule({"min_age": 80, "exclude_institution": True})
    bands = rules.clean_bands([{"label": "全部", "amount": "50"}])
    inside = rules.Person(birth_date=born(85), in_institution=True)
    v = rules.decide(rule, bands, inside, NOV)
    assert v.amount is None and v.excluded_as_resident
    assert verdict("oldest_old_allowance", birth_date=born(85), in_institution=True).amount == Decimal(
        "100.00"
    )


def test_non_stacking_policies_pay_only_the_highest():
    kept, held = rules.resolve_stacking(
        [("a", "g", Decimal("100")), ("b", "g", Decimal("300")), ("c", "", Decimal("50"))]
    )
    assert kept == {"b", "c"} and held == {"a"}


@pytest.mark.parametrize(
    ("month", "frequency", "paid"),
    [
        (dt.date(2026, 11, 1), "monthly", [dt.date(2026, 11, 1)]),
        (dt.date(2026, 11, 1), "quarterly", []),
        (
            dt.date(2026, 12, 1),
            "quarterly",
            [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)],
        ),
        (dt.date(2026, 12, 1), "yearly", [dt.date(2026, m, 1) for m in range(1, 13)]),
    ],
)
def test_periods_are_paid_in_arrears(month, frequency, paid):
    assert rules.months_of_period(month, frequency) == paid


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"min_age": "八十"}, "年龄应为整数（收到：八十）"),
        ({"color": 1}, "享受条件含未知项：color"),
        ({"economic_statuses": ["rich"]}, "经济状况含未知取值：rich"),
        ({"ability": {"instrument": "x", "levels": [1]}}, "能力评估条件须指明评估标准"),
        ({"min_age": 90, "max_age": 80}, "年龄下限不能大于上限"),
    ],
)
def test_bad_rules_are_refused_in_chinese(rule, message):
    with pytest.raises(rules.RuleError, match=message.replace("（", r"\（").replace("）", r"\）")):
        rules.clean_rule(rule)


def test_bank_file_lines_are_fixed_width_in_bytes():
    layout = bankfile.clean_layout(bankfile.DEFAULT_LAYOUT)
    rows = [
        {
            "account": "6222020200001234567",
            "holder": "张三丰",
            "id_number": "",
            "amount": "800.00",
            "month": "202611",
            "policy": "高龄津贴",
        },
        {
            "account": "6222020200007654321",
            "holder": "欧阳明月明月明月明月明月",
            "id_number": "",
            "amount": "100.50",
            "month": "202611",
            "policy": "高龄津贴",
        },
    ]
    data = bankfile.render(layout, rows, encoding="gb18030", header=True)
    lines = data.split(b"\r\n")[:-1]
    assert lines[0] == b"00000002" + b"0000000000090050"
    width = sum(f["width"] for f in layout)
    assert [len(x) for x in lines[1:]] == [width, width]
    assert lines[1].decode("gb18030").startswith("00000001" + "6222020200001234567")
    assert "000000080000" in lines[1].decode("gb18030")
    assert lines[2].decode("gb18030")[8 + 32 : 8 + 32 + 10] == "欧阳明月明月明月明月"


def test_an_account_too_long_for_the_layout_is_refused_not_cut():
    layout = bankfile.clean_layout([{"field": "account", "width": 10}])
    with pytest.raises(bankfile.LayoutError, match="银行账号超过"):
        bankfile.line(layout, {"account": "62220202000012345"}, "gb18030")
