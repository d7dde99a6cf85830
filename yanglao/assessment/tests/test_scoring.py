"""The engine against the standards' tables, enumerated exhaustively. No database.

Reference functions here are written from research/standards.md and standards-addendum.md directly,
independently of the instrument data files, so a wrong cell in a data file fails a test.
"""

import copy
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yanglao.assessment import instruments, scoring

GBT = instruments.get("gbt42195-2022")
MZT = instruments.get("mzt039-2013")
LTC = instruments.get("ltc-2021")


def items(instrument):
    return [i for d in instrument["dimensions"] for i in d["items"]]


def answers_for_total(instrument, total: int) -> dict[str, int]:
    """Some valid answers summing to ``total``: fill items to their maximum, then the remainder."""
    out, left = {}, total
    for item in items(instrument):
        best = max((o["score"] for o in item["options"] if o["score"] <= left), default=0)
        out[item["code"]] = best
        left -= best
    assert left == 0
    return out


# ---------------------------------------------------------------- GB/T 42195-2022


def test_gbt_structure_26_items_max_90():
    assert [len(d["items"]) for d in GBT["dimensions"]] == [8, 4, 9, 5]
    assert [sum(max(o["score"] for o in i["options"]) for i in d["items"]) for d in GBT["dimensions"]] == [
        32,
        15,
        28,
        15,
    ]
    codes = [i["code"] for i in items(GBT)]
    assert codes[0] == "B.1.1" and codes[-1] == "B.4.5" and len(set(codes)) == 26


def gbt_band(total):  # standards.md §1.3
    return 0 if total == 90 else 1 if total >= 66 else 2 if total >= 46 else 3 if total >= 30 else 4


CONTEXTS = [
    {"coma": coma, "diagnoses": diag, "risk_events": events}
    for coma in (False, True)
    for diag in ([], ["F01"], ["F20.1"], ["F01", "F32"], ["I10"])
    for events in ({}, {"跌倒": 1}, {"跌倒": 1, "噎食": 1}, {"走失": 3}, {"其他": 2})
]


@pytest.mark.parametrize("total", range(91))
def test_gbt_every_total_with_every_rule_combination(total):
    answers = answers_for_total(GBT, total)
    for context in CONTEXTS:
        result = scoring.score(GBT, answers, context)
        assert result.total == total and result.preliminary_level == gbt_band(total)
        dementia_or_mental = any(d.startswith("F") for d in context["diagnoses"])
        risky = sum(context["risk_events"].values()) >= 2
        if context["coma"]:
            expected = 4
        else:
            expected = min(gbt_band(total) + (1 if (dementia_or_mental or risky) else 0), 4)
        assert result.final_level == expected, (total, context)
        assert result.final_level >= result.preliminary_level


def test_gbt_worked_example_from_the_issue():
    answers = answers_for_total(GBT, 86)
    result = scoring.score(
        GBT, answers, {"coma": False, "diagnoses": ["F01"], "risk_events": {"跌倒": 1, "噎食": 1}}
    )
    out = result.as_dict()
    assert out["preliminary_level"] == {"level": 1, "name": "能力轻度受损（轻度失能）"}
    assert out["final_level"] == {"level": 2, "name": "能力中度受损（中度失能）"}
    assert [(r["code"], r["effect"]) for r in out["rules_applied"]] == [
        ("dementia", "applied"),
        ("risk_events", "ignored: the level is raised once in total"),
    ]


def test_gbt_stacking_and_per_type_counting_are_configuration():
    variant = copy.deepcopy(GBT)
    variant["changes"]["stacking"] = "each"
    answers = answers_for_total(GBT, 86)
    context = {"diagnoses": ["F01"], "risk_events": {"跌倒": 1, "噎食": 1}}
    assert scoring.score(variant, answers, context).final_level == 3  # +1 for each rule
    variant["changes"]["rules"][3]["when"]["risk_events"]["count"] = "per_type"
    assert scoring.score(variant, answers, {"risk_events": {"跌倒": 1, "噎食": 1}}).final_level == 1
    assert scoring.score(variant, answers, {"risk_events": {"跌倒": 2}}).final_level == 2


# ---------------------------------------------------------------- MZ/T 039-2013

# standards-addendum §2: the 判定卡, rows MS 0–3, columns SC 0–3, four digits = SP 0–3; one block per ADL.
CARD = {
    0: ["0011 1111 1111 1111", "1111 1111 1111 1111", "1111 1111 1111 1111", "1111 1111 1111 1111"],
    1: ["1111 1111 1111 1111", "1111 1111 1111 1111", "1111 1111 1122 1122", "1111 1111 1122 1122"],
    2: ["2223 2223 2223 3333", "2223 2223 2223 3333", "2223 2223 2233 3333", "3333 3333 3333 3333"],
    3: ["3333 3333 3333 3333"] * 4,
}


def card_level(adl, ms, sc, sp):
    return int(CARD[adl][ms].split()[sc][sp])


def test_mzt_all_256_grade_combinations_match_the_card():
    counts = [0, 0, 0, 0]
    for adl, ms, sc, sp in itertools.product(range(4), repeat=4):
        level = MZT["level"]["matrix"][f"{adl},{ms},{sc},{sp}"]
        assert level == card_level(adl, ms, sc, sp), (adl, ms, sc, sp)
        counts[level] += 1
    assert counts == [2, 118, 34, 102]


def sc_grade(conscious, vision, hearing, comm):  # standards.md §2.2, most severe first
    if conscious >= 2:
        return 3
    if vision == 4 or hearing == 4 or comm == 3:
        return 3
    if conscious == 1:
        return 2
    if vision == 3 or hearing == 3 or comm == 2:
        return 2
    if vision == 2 or hearing == 2 or comm == 1:
        return 1
    return 0


def test_mzt_perception_grade_for_all_400_item_combinations():
    base = {i["code"]: min(o["score"] for o in i["options"]) for i in items(MZT)}
    base.update({i["code"]: max(o["score"] for o in i["options"]) for i in MZT["dimensions"][0]["items"]})
    for c, v, h, m in itertools.product(range(4), range(5), range(5), range(4)):
        result = scoring.score(MZT, {**base, "B.3.1": c, "B.3.2": v, "B.3.3": h, "B.3.4": m})
        assert result.dimensions[2].grade == sc_grade(c, v, h, m), (c, v, h, m)


@pytest.mark.parametrize(
    ("dimension", "bands"),
    [
        (
            0,
            {
                100: 0,
                **{s: 1 for s in range(65, 100, 5)},
                **{s: 2 for s in range(45, 65, 5)},
                **{s: 3 for s in range(0, 45, 5)},
            },
        ),
        (1, {0: 0, 1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3}),
        (
            3,
            {
                **{s: 0 for s in range(0, 3)},
                **{s: 1 for s in range(3, 8)},
                **{s: 2 for s in range(8, 14)},
                **{s: 3 for s in range(14, 21)},
            },
        ),
    ],
)
def test_mzt_score_bands_for_every_reachable_sum(dimension, bands):
    spec = MZT["dimensions"][dimension]["grade"]
    for total, grade in bands.items():
        assert scoring._grade(spec, total, {}) == grade, total


def test_mzt_change_clauses():
    def answers(adl_total, cognition=0, conscious=0):
        out = {i["code"]: min(o["score"] for o in i["options"]) for i in items(MZT)}
        out.update(answers_for_total({"dimensions": [MZT["dimensions"][0]]}, adl_total))
        out.update({"B.2.1": cognition, "B.3.1": conscious})
        return out

    mild = answers(80)  # ADL grade 1, others 0 → 轻度
    assert scoring.score(MZT, mild).final_level == 1
    assert scoring.score(MZT, mild, {"diagnoses": ["F02"]}).final_level == 2
    assert scoring.score(MZT, answers(80, cognition=2)).final_level >= 2
    both = scoring.score(MZT, mild, {"dementia": True, "risk_events": {"跌倒": 2}})
    assert both.final_level == 3  # the clauses stack (+1 each), capped at 重度失能
    assert scoring.score(MZT, answers(100, conscious=3)).final_level == 3  # coma
    severe = scoring.score(MZT, answers(20), {"dementia": True})
    assert severe.final_level == 3 and severe.rules[0].effect.startswith("ignored")
    assert (
        scoring.score(MZT, mild, {"risk_events": {"其他": 5}}).final_level == 1
    )  # 其他 is not a listed event


# ---------------------------------------------------------------- LTC 2021

LTC_TABLE = [[0, 0, 1, 1], [1, 1, 1, 2], [2, 2, 2, 3], [3, 3, 4, 5]]  # standards.md §3.3
LTC_NAMES = ["基本正常", "轻度失能", "中度失能", "重度失能Ⅰ级", "重度失能Ⅱ级", "重度失能Ⅲ级"]


def test_ltc_structure_17_items():
    assert [len(d["items"]) for d in LTC["dimensions"]] == [10, 4, 3]
    assert [sum(max(o["score"] for o in i["options"]) for i in d["items"]) for d in LTC["dimensions"]] == [
        100,
        16,
        12,
    ]


def test_ltc_every_grade_combination():
    representative = {
        0: {0: 100, 1: 80, 2: 50, 3: 20},
        1: {0: 16, 1: 13, 2: 8, 3: 2},
        2: {0: 12, 1: 9, 2: 5, 3: 1},
    }
    for adl, cog, sens in itertools.product(range(4), repeat=3):
        answers = {}
        for dim, grade in ((0, adl), (1, cog), (2, sens)):
            answers.update(
                answers_for_total({"dimensions": [LTC["dimensions"][dim]]}, representative[dim][grade])
            )
        result = scoring.score(LTC, answers)
        assert [d.grade for d in result.dimensions] == [adl, cog, sens]
        expected = LTC_TABLE[adl][max(cog, sens)]
        assert (result.final_level, result.level_name) == (expected, LTC_NAMES[expected])


# ---------------------------------------------------------------- every instrument


@pytest.mark.parametrize("ungraded", ["C1", "C3"])  # a plain key, and one inside a "max" key
def test_a_level_matrix_reading_an_ungraded_dimension_is_a_malformed_instrument(ungraded):
    broken = copy.deepcopy(LTC)
    for dim in broken["dimensions"]:
        if dim["code"] == ungraded:
            del dim["grade"]
    answers = answers_for_total(LTC, 60)
    with pytest.raises(ValueError, match=ungraded):
        scoring.score(broken, answers)


@pytest.mark.parametrize("instrument", [GBT, MZT, LTC], ids=lambda i: i["code"])
def test_bad_answers_name_the_item_in_chinese_and_english(instrument):
    first = items(instrument)[0]
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score(instrument, {"Z.9": 1, first["code"]: 99, items(instrument)[1]["code"]: "4"})
    problems = {p["item"]: p for p in caught.value.problems}
    assert "未知" in problems["Z.9"]["zh"] and "unknown" in problems["Z.9"]["en"]
    assert "不是可选分值" in problems[first["code"]]["zh"]
    assert "整数" in problems[items(instrument)[1]["code"]]["zh"]
    assert "必须作答" in problems[items(instrument)[2]["code"]]["zh"]


def answers_strategy(instrument):
    return st.fixed_dictionaries(
        {i["code"]: st.sampled_from([o["score"] for o in i["options"]]) for i in items(instrument)}
    )


CONTEXT = st.fixed_dictionaries(
    {
        "coma": st.booleans(),
        "dementia": st.booleans(),
        "mental_illness": st.booleans(),
        "diagnoses": st.lists(st.sampled_from(["F00", "F03.9", "F20", "F99", "I10", "G20"]), max_size=3),
        "risk_events": st.dictionaries(
            st.sampled_from(["跌倒", "走失", "噎食", "自杀", "其他"]), st.integers(0, 3)
        ),
    }
)


@pytest.mark.parametrize("instrument", [GBT, MZT, LTC], ids=lambda i: i["code"])
def test_final_level_never_below_preliminary_nor_above_the_top(instrument):
    top = max(scoring._level_names(instrument["level"]))

    @settings(max_examples=300, deadline=None)
    @given(answers_strategy(instrument), CONTEXT)
    def check(answers, context):
        result = scoring.score(instrument, answers, context)
        assert result.preliminary_level <= result.final_level <= top

    check()
