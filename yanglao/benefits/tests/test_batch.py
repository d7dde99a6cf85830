"""The monthly batch: who is paid, maker-checker, the lock, stops, late deaths and their recoveries, and
every cross-check listed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from yanglao.benefits import services
from yanglao.benefits.errors import BatchLocked, InvalidBatch
from yanglao.benefits.models import BatchFinding, Payment, PaymentStop, Recovery
from yanglao.benefits.tests.builders import XUHUI, person, policies
from yanglao.core.choices import Role
from yanglao.core.testing import factories
from yanglao.people import services as people_services

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def checker(db):
    return factories.user(role=Role.GOV_ADMIN, regions=[XUHUI], username="checker")


@pytest.fixture
def setup(district_officer):
    policies()


def test_a_batch_pays_each_policy_by_its_band(setup, district_officer):
    person(age=85)
    person(age=95)
    person(age=70, economic_status="dibao")
    person(age=70)
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert batch.payments == 3 and batch.total_yuan == Decimal("900.00")
    assert {p["code"]: p["total_yuan"] for p in batch.by_policy} == {
        "hardship_subsidy": "300.00",
        "oldest_old_allowance": "600.00",
    }
    assert Payment.objects.unscoped(reason="test").filter(batch=batch, status="pay").count() == 3


def test_the_maker_cannot_approve_and_an_approved_batch_is_locked(setup, district_officer, checker):
    person()
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    with pytest.raises(InvalidBatch, match="不同的人"):
        services.batch_approve(actor=district_officer, batch_id=batch.pk)
    services.batch_approve(actor=checker, batch_id=batch.pk)
    with pytest.raises(BatchLocked):
        services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)


def test_a_city_batch_over_a_district_batch_is_refused(setup, district_officer):
    person()
    services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    admin = factories.user(role=Role.GOV_ADMIN, regions=["310100000000"], username="city")
    with pytest.raises(InvalidBatch, match="覆盖相同人员"):
        services.batch_prepare(actor=admin, month="2026-10", region_code="310100000000")


def test_a_late_death_stops_payment_and_creates_recoveries(setup, district_officer, checker):
    gone = person(age=85)
    stays = person(age=91)
    for month in ("2026-09", "2026-10"):
        b = services.batch_prepare(actor=district_officer, month=month, region_code=XUHUI)
        services.batch_approve(actor=checker, batch_id=b.pk)
    # The death list arrives in November: the person died on 20 August.
    people_services.elder_record_death(
        actor=district_officer, elder_id=gone.pk, date=dt.date(2026, 8, 20), source="public_security"
    )
    nov = services.batch_prepare(actor=district_officer, month="2026-11", region_code=XUHUI)
    assert nov.payments == 1 and nov.recoveries == 2 and nov.recoveries_yuan == Decimal("200.00")
    owed = Recovery.objects.unscoped(reason="test").filter(elder=gone).order_by("month")
    assert [(r.month, r.amount) for r in owed] == [
        (dt.date(2026, 9, 1), Decimal("100.00")),
        (OCT, Decimal("100.00")),
    ]
    stop = PaymentStop.objects.unscoped(reason="test").get(batch=nov)
    assert (stop.elder_id, stop.reason) == (gone.pk, "death")
    assert Payment.objects.unscoped(reason="test").filter(batch=nov).get().elder_id == stays.pk
    # Preparing again finds no new recovery: the ledger already holds them.
    again = services.batch_prepare(actor=district_officer, month="2026-11", region_code=XUHUI)
    assert again.recoveries == 0 and Recovery.objects.unscoped(reason="test").count() == 2


def test_the_death_month_is_paid_and_listed(setup, district_officer):
    died = person(age=85)
    people_services.elder_record_death(actor=district_officer, elder_id=died.pk, date=dt.date(2026, 10, 12))
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert batch.payments == 1
    finding = BatchFinding.objects.unscoped(reason="test").get(batch=batch)
    assert finding.kind == "deceased" and "2026-10-12" in finding.message


def test_no_account_holds_the_line_and_says_so(setup, district_officer):
    person(account=False)
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert (batch.payments, batch.held, batch.held_yuan) == (0, 1, Decimal("100.00"))
    assert BatchFinding.objects.unscoped(reason="test").get(batch=batch).kind == "no_account"


def test_one_account_for_two_people_is_listed(setup, district_officer):
    a, b = person(), person()
    from yanglao.core.models import User

    root = User.objects.get(username="factory_root")
    services.account_set(
        actor=root, elder_id=b.pk, bank="工行", account_number="6222020299990000", holder_name="王五"
    )
    services.account_set(
        actor=root, elder_id=a.pk, bank="工行", account_number="6222020299990000", holder_name="王五"
    )
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    kinds = sorted(
        BatchFinding.objects.unscoped(reason="test").filter(batch=batch).values_list("kind", "elder_id")
    )
    assert kinds == sorted([("shared_account", a.pk), ("shared_account", b.pk)])
    assert batch.payments == 2


def test_a_claim_policy_pays_only_after_the_district_approves(setup, district_officer, street_officer):
    from yanglao.people.services import elder_set_ability

    someone = person(age=75)
    elder_set_ability(
        elder_id=someone.pk,
        level=3,
        name="重度失能",
        instrument="gbt42195-2022",
        valid_until=dt.date(2027, 12, 31),
    )
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert batch.payments == 0
    app = services.application_submit(
        actor=street_officer,
        elder_id=someone.pk,
        policy_code="disability_care_subsidy",
        applicant="family",
        applicant_name="张小明",
        documents=["身份证", "能力评估报告"],
    )
    services.application_decide(
        actor=street_officer, application_id=app.pk, action="street_pass", note="材料齐全"
    )
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=street_officer, application_id=app.pk, action="district_pass")
    services.application_decide(
        actor=district_officer, application_id=app.pk, action="district_pass", note="同意"
    )
    batch = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert batch.payments == 1 and batch.total_yuan == Decimal("600.00")


def test_an_adjustment_is_paid_in_the_next_batch(setup, district_officer, checker):
    who = person()
    b = services.batch_prepare(actor=district_officer, month="2026-10", region_code=XUHUI)
    services.batch_approve(actor=checker, batch_id=b.pk)
    services.adjustment_add(
        actor=district_officer,
        elder_id=who.pk,
        policy_code="oldest_old_allowance",
        month="2026-10",
        amount="-40",
        reason="多发更正",
    )
    nov = services.batch_prepare(actor=district_officer, month="2026-11", region_code=XUHUI)
    assert nov.total_yuan == Decimal("60.00") and nov.payments == 2


def test_the_preview_writes_nothing(setup, district_officer):
    person()
    figures = services.batch_preview(actor=district_officer, month="2026-10", region_code=XUHUI)
    assert figures["payments"] == 1 and figures["total_yuan"] == "100.00"
    assert Payment.objects.unscoped(reason="test").count() == 0


def test_another_districts_official_cannot_prepare_here(setup):
    outsider = factories.user(role=Role.GOV_ADMIN, regions=["310105000000"], username="changning")
    from yanglao.core.errors import NotFound

    with pytest.raises(NotFound):
        services.batch_prepare(actor=outsider, month="2026-10", region_code=XUHUI)


def test_an_adjustment_names_a_policy_of_the_persons_district(setup, district_officer):
    from yanglao.benefits.errors import InvalidAdjustment

    who = person()
    with pytest.raises(InvalidAdjustment, match="不在老人所在区实施"):
        services.adjustment_add(
            actor=district_officer,
            elder_id=who.pk,
            policy_code="no_such",
            month="2026-10",
            amount="50",
            reason="补发",
        )
