"""GB 32100-2015 credit codes: the check character over every residue, real codes, and bad input."""

import pytest

from yanglao.core import creditcode


def test_weights_are_powers_of_three_mod_31():
    assert creditcode.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91110000802100433B", "12100000400000624D", "911100001000079554"]
)
def test_published_codes_validate(code):
    assert creditcode.validate(code) == code


def test_every_check_character_is_reachable_and_verified():
    seen = set()
    for n in range(2000):
        prefix = f"5231010{n:010d}"
        code = creditcode.make(prefix)
        seen.add(code[-1])
        assert creditcode.validate(code) == code
        wrong = creditcode.ALPHABET[(creditcode.ALPHABET.index(code[-1]) + 1) % 31]
        with pytest.raises(creditcode.CreditCodeError, match="校验位"):
            creditcode.validate(prefix + wrong)
    assert seen == set(creditcode.ALPHABET)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100Y43X", "18 位"),
        ("91350100M0001O0Y43", "不允许的字符"),
        ("913501I0M000100Y43", "不允许的字符"),
        ("91A50100M000100Y43", "行政区划码"),
        ("91350100M000100Y44", "校验位"),
    ],
)
def test_bad_codes_say_why_in_chinese(text, reason):
    with pytest.raises(creditcode.CreditCodeError, match=reason):
        creditcode.validate(text)


def test_normalise_accepts_spaces_lower_case_and_full_width():
    assert creditcode.normalise(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert creditcode.normalise("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
