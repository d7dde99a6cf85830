"""Monthly settlement: figures over confirmed orders only, exceptions and their decisions, the maker-checker
path, the lock, adjustments into the next open month, the command's JSON and the scope of pages."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from yanglao.core.errors import NotFound
from yanglao.core.testing import factories
from yanglao.services import selectors, services
from yanglao.services.errors import InvalidSettlement, SettlementLocked
from yanglao.services.models import Settlement, SettlementAdjustment, SettlementException
from yanglao.services.tests.settlement_builders import MONTH, alert, order, provider_with_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_of_orders(person):
    """Four confirmed or rated orders (two with alerts), one cancelled, one aborted, one in April."""
    sold, manager = provider_with_manager()
    plain = order(sold, person, gov="30.00", own="15.00")
    order(sold, person, status="rated", gov="40.00", own="5.00", day=MONTH.replace(day=2))
    late = order(sold, person, gov="50.00", own="10.00", day=MONTH.replace(day=3))
    short = order(sold, person, gov="20.00", own="8.00", day=MONTH.replace(day=4))
    alert(late, "late", "迟到 25 分钟")
    alert(late, "far_in", "签到距离 800 米")
    alert(short, "short", "服务 20 分钟，少于 45 分钟")
    order(sold, person, status="cancelled", gov="99.00", own="1.00", day=MONTH.replace(day=5))
    order(sold, person, status="aborted", gov="77.00", own="2.00", day=MONTH.replace(day=6))
    order(sold, person, gov="500.00", own="0", day=dt.date(2026, 4, 1))
    return sold, manager, plain, late, short


def _prepare(manager, sold):
    return services.settlement_prepare(actor=manager, provider_id=sold.provider_id, month="2026-03")


def test_totals_count_confirmed_and_rated_only_and_hold_exceptions(month_of_orders):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    assert (s.orders, s.confirmed, s.exceptions) == (6, 4, 2)
    # 30 + 40 paid; 50 and 20 held while pending; self-pay of all four counted orders
    assert s.government_yuan == Decimal("70.00")
    assert s.self_pay_yuan == Decimal("38.00")
    assert s.region_id == "310104000000" and s.provider_region_id == "310104003001"
    reasons = SettlementException.objects.unscoped(reason="test").get(order=month_of_orders[3]).reasons
    assert [r["label"] for r in reasons] == ["签到位置异常", "迟到"]


def test_prepare_is_idempotent_and_keeps_decisions(month_of_orders, street_officer):
    sold, manager, _plain, late, _short = month_of_orders
    s = _prepare(manager, sold)
    row = SettlementException.objects.unscoped(reason="test").get(order=late)
    services.settlement_decide_exception(actor=street_officer, exception_id=row.pk, decision="allowed")
    again = _prepare(manager, sold)
    assert again.pk == s.pk
    assert Settlement.objects.unscoped(reason="test").count() == 1
    assert SettlementException.objects.unscoped(reason="test").get(pk=row.pk).decision == "allowed"
    assert again.government_yuan == Decimal("120.00")


@pytest.mark.parametrize(
    ("decision", "cut", "government", "self_pay"),
    [
        ("allowed", None, "120.00", "38.00"),  # 70 + 50
        ("cut", "12.50", "107.50", "38.00"),  # 70 + 50 - 12.50
        ("refused", None, "70.00", "28.00"),  # neither share of the refused order
    ],
)
def test_each_decision_changes_the_totals_exactly(
    month_of_orders, street_officer, decision, cut, government, self_pay
):
    sold, manager, _plain, late, _short = month_of_orders
    s = _prepare(manager, sold)
    row = SettlementException.objects.unscoped(reason="test").get(order=late)
    services.settlement_decide_exception(
        actor=street_officer, exception_id=row.pk, decision=decision, cut_yuan=cut, note="核实后处理"
    )
    s.refresh_from_db()
    assert (s.government_yuan, s.self_pay_yuan) == (Decimal(government), Decimal(self_pay))


def test_a_cut_beyond_the_government_share_is_refused(month_of_orders, street_officer):
    sold, manager, _plain, late, _short = month_of_orders
    _prepare(manager, sold)
    row = SettlementException.objects.unscoped(reason="test").get(order=late)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_decide_exception(
            actor=street_officer, exception_id=row.pk, decision="cut", cut_yuan="50.01", note="多算"
        )
    assert exc.value.code == "services.settlement_cut_too_large"
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_decide_exception(actor=street_officer, exception_id=row.pk, decision="refused")
    assert exc.value.code == "services.settlement_reason_required"
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_decide_exception(actor=street_officer, exception_id=row.pk, decision="maybe")
    assert exc.value.code == "services.settlement_bad_decision"


def _decide_all(s, actor):
    for row in SettlementException.objects.unscoped(reason="test").filter(settlement=s):
        services.settlement_decide_exception(actor=actor, exception_id=row.pk, decision="allowed")


def test_submit_is_refused_while_exceptions_are_pending(month_of_orders, street_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_submit(actor=manager, settlement_id=s.pk)
    assert exc.value.code == "services.settlement_exceptions_pending"
    _decide_all(s, street_officer)
    assert services.settlement_submit(actor=manager, settlement_id=s.pk).status == "submitted"


def _approved(month_of_orders, street_officer, district_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    _decide_all(s, street_officer)
    services.settlement_submit(actor=manager, settlement_id=s.pk)
    services.settlement_check(actor=street_officer, settlement_id=s.pk)
    return services.settlement_approve(actor=district_officer, settlement_id=s.pk)


def test_the_whole_path_records_who_and_when(month_of_orders, street_officer, district_officer):
    s = _approved(month_of_orders, street_officer, district_officer)
    assert s.status == "approved"
    assert (s.submitted_by, s.checked_by, s.approved_by) == (
        month_of_orders[1],
        street_officer,
        district_officer,
    )
    assert [h["action"] for h in s.history] == ["prepare", "submit", "check", "approve"]
    assert s.government_yuan == Decimal("140.00")


def test_maker_and_checkers_must_differ(month_of_orders, street_officer, district_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    _decide_all(s, street_officer)
    boss = factories.user(role="gov_admin", regions=["310104000000"], username="boss")
    boss.is_superuser = True
    boss.save(update_fields=["is_superuser"])
    services.settlement_submit(actor=boss, settlement_id=s.pk)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_check(actor=boss, settlement_id=s.pk)
    assert exc.value.code == "services.settlement_same_person"
    services.settlement_check(actor=district_officer, settlement_id=s.pk)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_approve(actor=district_officer, settlement_id=s.pk)
    assert exc.value.code == "services.settlement_same_person"


def test_wrong_state_has_its_own_code(month_of_orders, street_officer, district_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_check(actor=street_officer, settlement_id=s.pk)
    assert exc.value.code == "services.settlement_wrong_state"
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_approve(actor=district_officer, settlement_id=s.pk)
    assert exc.value.code == "services.settlement_wrong_state"


def test_return_goes_back_to_draft_with_the_reason(month_of_orders, street_officer, district_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    _decide_all(s, street_officer)
    services.settlement_submit(actor=manager, settlement_id=s.pk)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_return(actor=street_officer, settlement_id=s.pk, reason=" ")
    assert exc.value.code == "services.settlement_reason_required"
    back = services.settlement_return(actor=street_officer, settlement_id=s.pk, reason="金额与台账不符")
    assert (back.status, back.return_reason, back.submitted_by) == ("draft", "金额与台账不符", None)
    services.settlement_submit(actor=manager, settlement_id=s.pk)
    services.settlement_check(actor=street_officer, settlement_id=s.pk)
    back = services.settlement_return(actor=district_officer, settlement_id=s.pk, reason="请补充说明")
    assert back.status == "draft" and back.history[-1]["reason"] == "请补充说明"


def test_an_approved_month_never_changes(month_of_orders, street_officer, district_officer, person):
    s = _approved(month_of_orders, street_officer, district_officer)
    sold, manager, _plain, late, _short = month_of_orders
    figures = Settlement.objects.unscoped(reason="test").filter(pk=s.pk).values().get()
    # a late order and a new alert after approval must not reach the locked month
    late_one = order(sold, person, gov="900.00", own="0", day=MONTH.replace(day=20))
    late_one.confirmed_at = timezone.now()
    late_one.save(update_fields=["confirmed_at"])
    alert(_plain, "clock", "手机时间异常")
    row = SettlementException.objects.unscoped(reason="test").get(order=late)
    attempts = [
        lambda: _prepare(manager, sold),
        lambda: services.settlement_submit(actor=manager, settlement_id=s.pk),
        lambda: services.settlement_check(actor=street_officer, settlement_id=s.pk),
        lambda: services.settlement_approve(actor=district_officer, settlement_id=s.pk),
        lambda: services.settlement_return(actor=district_officer, settlement_id=s.pk, reason="重审"),
        lambda: services.settlement_decide_exception(
            actor=district_officer, exception_id=row.pk, decision="refused", note="追回"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(SettlementLocked) as exc:
            attempt()
        assert exc.value.code == "services.settlement_locked"
    assert Settlement.objects.unscoped(reason="test").filter(pk=s.pk).values().get() == figures
    assert SettlementException.objects.unscoped(reason="test").get(pk=row.pk).decision == "allowed"
    # nor is the late order a line of the statement
    lines = list(
        selectors.settlement_lines(settlement=Settlement.objects.unscoped(reason="test").get(pk=s.pk))
    )
    assert late_one.pk not in [line.order_id for line in lines] and len(lines) == 4


def test_an_adjustment_lands_in_the_next_open_month(month_of_orders, street_officer, district_officer):
    s = _approved(month_of_orders, street_officer, district_officer)
    _sold, manager, _plain, late, _short = month_of_orders
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_adjust(
            actor=district_officer, settlement_id=s.pk, order_id=late.pk, government_yuan="0", reason="无"
        )
    assert exc.value.code == "services.settlement_zero_adjustment"
    adjustment = services.settlement_adjust(
        actor=district_officer,
        settlement_id=s.pk,
        order_id=late.pk,
        government_yuan="-20.00",
        reason="复核多付",
    )
    april = adjustment.settlement
    assert (april.month, april.status, adjustment.from_month) == (dt.date(2026, 4, 1), "draft", MONTH)
    april.refresh_from_db()
    assert april.adjustments_yuan == Decimal("-20.00")
    assert april.government_yuan == Decimal("500.00")  # April's own order
    assert april.payable_yuan == Decimal("480.00")
    s.refresh_from_db()
    assert s.government_yuan == Decimal("140.00") and s.adjustments_yuan == 0
    # a prepare of April keeps the adjustment
    again = services.settlement_prepare(actor=manager, provider_id=april.provider_id, month="2026-04")
    assert again.adjustments_yuan == Decimal("-20.00")
    assert SettlementAdjustment.objects.unscoped(reason="test").count() == 1


def test_an_open_month_is_not_adjusted(month_of_orders, district_officer):
    sold, manager, _plain, late, _short = month_of_orders
    s = _prepare(manager, sold)
    with pytest.raises(InvalidSettlement) as exc:
        services.settlement_adjust(
            actor=district_officer, settlement_id=s.pk, order_id=late.pk, government_yuan="5", reason="补"
        )
    assert exc.value.code == "services.settlement_not_locked"


def test_scope_other_street_and_district_see_nothing(month_of_orders, other_street_officer, street_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    for outsider in (
        other_street_officer,
        factories.user(role="gov_admin", regions=["310105000000"], username="cn"),
    ):
        with pytest.raises(NotFound):
            services.settlement_check(actor=outsider, settlement_id=s.pk)
    _stranger_sold, stranger = provider_with_manager("310104004001")
    with pytest.raises(NotFound):
        services.settlement_submit(actor=stranger, settlement_id=s.pk)
    with pytest.raises(NotFound):
        services.settlement_prepare(actor=stranger, provider_id=sold.provider_id, month="2026-03")


def test_pages_scope(client, month_of_orders, other_street_officer, street_officer):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    other_sold, other_manager = provider_with_manager("310104004001", name="湖南路居家服务社")
    other = services.settlement_prepare(
        actor=other_manager, provider_id=other_sold.provider_id, month="2026-03"
    )
    district = factories.user(role="gov_admin", regions=["310105000000"], username="changning")
    client.force_login(district)
    assert client.get(reverse("services:settlement_detail", args=[s.pk])).status_code == 404
    assert client.get(reverse("services:settlement_statement", args=[s.pk])).status_code == 404
    client.force_login(other_manager)
    page = client.get(reverse("services:settlement_list")).content.decode()
    assert f'data-settlement="{other.pk}"' in page and f'data-settlement="{s.pk}"' not in page
    assert client.get(reverse("services:settlement_detail", args=[s.pk])).status_code == 404
    client.force_login(street_officer)
    page = client.get(reverse("services:settlement_list")).content.decode()
    assert f'data-settlement="{s.pk}"' in page and f'data-settlement="{other.pk}"' not in page
    detail = client.get(reverse("services:settlement_detail", args=[s.pk])).content.decode()
    assert "核减" in detail and "*" in detail  # the decision form, the masked name


def test_a_refused_step_on_the_page_is_422_in_chinese(client, month_of_orders):
    sold, manager, *_ = month_of_orders
    s = _prepare(manager, sold)
    client.force_login(manager)
    response = client.post(reverse("services:settlement_step", args=[s.pk, "submit"]))
    assert response.status_code == 422
    assert "还有待审的异常工单" in response.content.decode()
    response = client.post(reverse("services:settlement_prepare"), {"month": "2026-13"})
    assert response.status_code == 422 and "结算月份应写作" in response.content.decode()


# ---------------------------------------------------------------- the command


def test_command_json_has_exact_keys_and_decimal_strings(month_of_orders):
    sold, *_ = month_of_orders
    out = StringIO()
    call_command("settlement", "--month", "2026-03", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows == [
        {
            "provider": sold.provider_id,
            "orders": 6,
            "confirmed": 4,
            "exceptions": 2,
            "government_yuan": "70.00",
            "self_pay_yuan": "38.00",
            "status": "draft",
        }
    ]
    s = Settlement.objects.unscoped(reason="test").get()
    assert s.prepared_by.username == "_system"
    # a second run reports the existing draft, and the provider filter narrows
    out = StringIO()
    call_command("settlement", "--month", "2026-03", "--provider", str(sold.provider_id), stdout=out)
    text = out.getvalue()
    assert "2026年03月结算单" in text and "草稿" in text and "70.00" in text
    assert Settlement.objects.unscoped(reason="test").count() == 1


@pytest.mark.parametrize("bad", ["2026-3", "2026-13", "March", "26-03"])
def test_command_bad_month_exits_2(bad, db):
    with pytest.raises(CommandError) as exc:
        call_command("settlement", "--month", bad, "--json")
    assert exc.value.returncode == 2
    assert "结算月份应写作" in str(exc.value)
