"""NaN, infinities and absurd numbers in a registry import are refused per row, never a crash (issue 9, 4)."""

import pytest

from yanglao.people import services
from yanglao.people.tests.test_import import HEADERS, ident, row, write_xlsx

pytestmark = pytest.mark.django_db


def test_non_finite_and_huge_numbers_are_refused_per_row(tmp_path, street_officer):
    headers = [*HEADERS, "纬度", "经度", "残疾类别", "残疾等级"]
    rows = [
        row(纬度="NaN", 经度="121.4", 公民身份号码=ident(1)),
        row(纬度="Infinity", 经度=121.4, 公民身份号码=ident(2)),
        row(残疾类别="肢体", 残疾等级="1e308", 公民身份号码=ident(3)),
        row(公民身份号码="1" * 30),
        row(联系电话="1" * 30, 公民身份号码=ident(5)),
        row(公民身份号码=ident(6)),  # the good one is kept
    ]
    result = services.elder_import_file(
        actor=street_officer, path=write_xlsx(tmp_path / "n.xlsx", rows, headers)
    )
    assert (result.created, result.rejected) == (1, 5)
    assert sorted(e["row"] for e in result.errors) == [2, 3, 4, 5, 6]
    assert all(e["reason"] for e in result.errors)
