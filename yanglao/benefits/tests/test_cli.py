"""``yanglao benefits-batch``: the JSON the issue specifies, the dry run writing nothing, refusals exit 2."""

import json

import pytest
from django.core.management import CommandError, call_command

from yanglao.benefits.models import PaymentBatch
from yanglao.benefits.tests.builders import XUHUI, person, policies

pytestmark = pytest.mark.django_db


def test_the_json_answer(capsys):
    policies()
    person(age=92)
    person(age=70, economic_status="low_income")
    call_command("benefits_batch", "--month", "2026-10", "--region", XUHUI, "--dry-run", "--json")
    dry = json.loads(capsys.readouterr().out)
    assert dry == {
        "month": "2026-10",
        "region": XUHUI,
        "payments": 2,
        "total_yuan": "700.00",
        "by_policy": [
            {"code": "hardship_subsidy", "people": 1, "total_yuan": "200.00"},
            {"code": "oldest_old_allowance", "people": 1, "total_yuan": "500.00"},
        ],
        "stopped": 0,
        "recoveries": 0,
    }
    assert not PaymentBatch.objects.unscoped(reason="test").exists()
    call_command(
        "benefits_batch", "--month", "2026-10", "--json"
    )  # the region defaults to the registry's span
    made = json.loads(capsys.readouterr().out)
    assert made == dry
    assert PaymentBatch.objects.unscoped(reason="test").get().status == "prepared"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "发放月份应写作"),
        (["--month", "2026-10", "--region", "310104003000"], "区（县）或以上"),
    ],
)
def test_refusals_exit_with_2(args, message):
    policies()
    person()
    with pytest.raises(CommandError, match=message) as refused:
        call_command("benefits_batch", *args, "--json")
    assert refused.value.returncode == 2
