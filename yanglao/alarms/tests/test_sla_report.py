"""The SLA report against constructed data: each figure with its count, the drill-down lists counting
exactly what the figures count (the SQL agrees with alarms/sla.py), scope and street filters, the targets
(labelled defaults, a region's own), the .xlsx export (inert cells, one audit entry) and the rights."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from python_calamine import CalamineWorkbook

from yanglao.alarms.choices import AlarmKind, AlarmStatus
from yanglao.alarms.errors import InvalidRule
from yanglao.alarms.models import Alarm, CallRecord
from yanglao.alarms.selectors import sla as selectors
from yanglao.alarms.services import sla as services
from yanglao.core.testing import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)  # the day and hours; recent alarms use the ``now`` fixture
TODAY = timezone.localdate(NOW)
FIRST_DAY = TODAY - dt.timedelta(days=10)
PERIOD = {"start": FIRST_DAY.isoformat(), "end": TODAY.isoformat()}
# Two hours of the day no recent alarm (raised moments before NOW) can fall in, whatever the time of the run.
LATE = (timezone.localtime(NOW).hour + 12) % 24
MORNING = timezone.make_aware(dt.datetime.combine(FIRST_DAY, dt.time((LATE + 6) % 24, 0)))
AFTERNOON = timezone.make_aware(dt.datetime.combine(FIRST_DAY, dt.time(LATE, 0)))


@pytest.fixture
def seats(db):
    first = factories.user(role="operator", regions=["310104000000"], username="seat_one")
    second = factories.user(role="operator", regions=["310104000000"], username="seat_two")
    second.full_name = '=HYPERLINK("http://evil")二号坐席'
    second.save(update_fields=["full_name"])
    return first, second


@pytest.fixture
def people(street_officer):
    tianping = people_factories.elder(actor=street_officer, name="天平老人")
    hunan = people_factories.elder(name="湖南老人", region_code="310104004001")
    return tianping, hunan


def alarm(elder, *, answer=None, close=None, seat=None, raised=MORNING, kind=AlarmKind.SOS):
    """An alarm raised at ``raised``, claimed ``answer`` s and closed ``close`` s later."""
    claimed = raised + dt.timedelta(seconds=answer) if answer is not None else None
    closed = raised + dt.timedelta(seconds=close) if close is not None else None
    status = AlarmStatus.CLOSED if closed else (AlarmStatus.CLAIMED if claimed else AlarmStatus.OPEN)
    return Alarm.objects.create(
        elder=elder,
        region_id=elder.region_id,
        kind=kind,
        severity=1,
        raised_at=raised,
        claimed_at=claimed,
        claimed_by=seat if claimed else None,
        closed_at=closed,
        status=status,
    )


@pytest.fixture
def now():
    """The moment the alarms are made: pages read the clock themselves, moments later."""
    return timezone.now()


@pytest.fixture
def constructed(seats, people, now):
    """Ten help alarms: 60 s exactly, 180 s exactly, just over each, unanswered, pending; two technical ones."""
    first, second = seats
    tianping, hunan = people
    made = {
        "a": alarm(tianping, answer=5, close=305, seat=first),  # handled 300 s
        "b": alarm(tianping, answer=60, close=160, seat=first),  # exactly 60: within; handled 100 s
        "c": alarm(tianping, answer=61, close=261, seat=second),  # late for 60, within 180; handled 200 s
        "d": alarm(hunan, answer=180, seat=second),  # within 180 exactly
        "e": alarm(hunan, answer=181, close=1181, seat=second),  # late for both; handled 1000 s
        "f": alarm(hunan, raised=AFTERNOON),  # never answered: missed
        "g": alarm(tianping, raised=now - dt.timedelta(seconds=30)),  # 30 s old: pending for both
        "h": alarm(tianping, raised=now - dt.timedelta(seconds=120)),  # missed 60, pending 180
        "i": alarm(tianping, answer=10, seat=first, raised=AFTERNOON),
        "j": alarm(tianping, close=20, raised=AFTERNOON),  # closed without claim
        "off": alarm(tianping, kind=AlarmKind.OFFLINE),
        "bat": alarm(hunan, kind=AlarmKind.LOW_BATTERY, answer=4000, seat=first),
    }
    for n, (answered, ended, abandoned) in enumerate(
        [(True, True, False), (False, True, True), (False, False, False)]
    ):
        CallRecord.objects.create(
            external_id=f"sla-{n}",
            direction="in",
            number="13900000000",
            number_hash="x",
            region_id=tianping.region_id,
            ringing_at=MORNING,
            answered_at=MORNING + dt.timedelta(seconds=3) if answered else None,
            ended_at=MORNING + dt.timedelta(seconds=60) if ended else None,
            abandoned=abandoned,
        )
    return made


def test_the_figures_match_the_constructed_alarms(constructed, supervisor, seats, now):
    first, second = seats
    figures = selectors.sla_figures(user=supervisor, params=PERIOD, now=now)
    report = figures.report
    assert (figures.start, figures.end) == (FIRST_DAY, TODAY)
    assert report.total == 10  # the two technical notices are left out
    # 60 s: within a b i j (4); missed c d e f h (5); pending g
    assert (report.within_60.met, report.within_60.counted, report.within_60.pending) == (4, 9, 1)
    # 180 s: within a b c d i j (6); missed e f (2); pending g h
    assert (report.within_180.met, report.within_180.counted, report.within_180.pending) == (6, 8, 2)
    assert report.within_60.percent == Decimal("44.4") and report.within_180.percent == Decimal("75.0")
    by_operator = {r.key: (r.total, r.within_60.met) for r in report.by_operator}
    assert by_operator == {first.pk: (3, 3), second.pk: (3, 0), None: (4, 1)}
    by_street = {r.key: r.total for r in report.by_street}
    assert by_street == {"310104003000": 7, "310104004000": 3}
    assert report.resolution.count == 4  # a b c e: claimed and closed
    assert report.resolution.median == (200.0, constructed["c"].pk)  # 100 200 300 1000 → 2nd
    assert report.resolution.p90 == (1000.0, constructed["e"].pk)  # ⌈3.6⌉ = 4th
    assert (report.abandoned.met, report.abandoned.counted, report.abandoned.pending) == (1, 2, 1)
    checks = {t.key: (share.met, meets) for t, share, meets in figures.checks}
    assert checks == {"within_60": (4, False), "within_180": (6, False), "strict_60": (4, False)}
    assert figures.targets.own is None


def test_scope_all_counts_technical_notices_and_street_narrows(constructed, supervisor, now):
    everything = selectors.sla_figures(user=supervisor, params={**PERIOD, "scope": "all"}, now=now).report
    assert everything.total == 12
    hunan = selectors.sla_figures(
        user=supervisor, params={**PERIOD, "street": "310104004000"}, now=now
    ).report
    assert hunan.total == 3 and hunan.abandoned.counted == 0


def test_another_street_sees_only_its_own(constructed, other_street_officer, now):
    report = selectors.sla_figures(user=other_street_officer, params=PERIOD, now=now).report
    assert report.total == 3 and {r.key for r in report.by_street} == {"310104004000"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("within_60", {"a", "b", "i", "j"}),
        ("late_60", {"c", "d", "e", "f", "h"}),
        ("pending_60", {"g"}),
        ("within_180", {"a", "b", "c", "d", "i", "j"}),
        ("late_180", {"e", "f"}),
        ("pending_180", {"g", "h"}),
        ("handled", {"a", "b", "c", "e"}),
    ],
)
def test_each_drill_down_lists_what_its_figure_counts(constructed, supervisor, answer, expected, now):
    fs = selectors.sla_filterset(user=supervisor, params={**PERIOD, "answer": answer}, now=now)
    names = {name for name, a in constructed.items() if a.pk in set(fs.qs.values_list("pk", flat=True))}
    assert names == expected


def test_drill_down_by_operator_hour_and_street(constructed, supervisor, seats, now):
    first, _second = seats

    def listed(**params):
        fs = selectors.sla_filterset(user=supervisor, params={**PERIOD, **params}, now=now)
        return {name for name, a in constructed.items() if a.pk in set(fs.qs.values_list("pk", flat=True))}

    assert listed(operator=str(first.pk)) == {"a", "b", "i"}
    assert listed(operator="none") == {"f", "g", "h", "j"}
    assert listed(hour=str(LATE)) == {"f", "i", "j"}
    assert listed(street="310104004000") == {"d", "e", "f"}


def test_the_page_shows_each_figure_with_its_count_and_link(client, constructed, supervisor):
    client.force_login(supervisor)
    page = client.get("/alarms/sla/", PERIOD).content.decode()
    assert 'data-testid="sla-total">10<' in page
    assert "44.4%" in page and "75.0%" in page and "50.0%" in page  # 60 s, 180 s, abandoned
    assert "英国远程照护服务协会（TSA）行业规范" in page and "欧洲通行做法" in page and "系统默认值" in page
    assert "未达标" in page and "我国尚无规定接警时限的标准" in page
    assert "answer=within_60" in page and "answer=late_60" in page and "answer=handled" in page
    assert "3 分 20 秒" in page and "16 分 40 秒" in page  # median 200 s, P90 1000 s
    drill = client.get("/alarms/sla/alarms/", {**PERIOD, "answer": "late_180"}).content.decode()
    assert drill.count('data-alarm="') == 2


def test_the_export_is_inert_and_audited_once(client, constructed, supervisor):
    client.force_login(supervisor)
    before = LogEntry.objects.count()
    response = client.get("/alarms/sla/export/", PERIOD)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("接警服务水平").to_python()
    assert rows[0][:3] == ["统计维度", "分组", "报警数"]
    total = next(r for r in rows if r[0] == "合计")
    assert [str(c) for c in total[2:10]] == ["10", "4", "9", "44.4", "6", "8", "75.0", "1"]
    assert any(str(r[1]).startswith('=HYPERLINK("http://evil")') for r in rows if r[0] == "按坐席")
    with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
        sheet = "".join(xlsx.read(n).decode() for n in xlsx.namelist() if n.startswith("xl/worksheets/"))
        styles = xlsx.read("xl/styles.xml").decode()
    assert "<f>" not in sheet and 'quotePrefix="1"' in styles
    assert LogEntry.objects.count() == before + 1
    entry = LogEntry.objects.order_by("-pk").first()
    assert entry.additional_data["batch"] == "alarm_sla.export" and entry.additional_data["count"] == 10


def test_rights_view_export_and_targets(client, constructed, operator, street_officer):
    client.force_login(operator)  # may view, may not export or set targets
    assert client.get("/alarms/sla/").status_code == 200
    assert client.get("/alarms/sla/export/").status_code == 403
    assert client.get("/alarms/sla/targets/").status_code == 403
    nobody = factories.user(role="provider", organisation=factories.organisation(region_code="310104003001"))
    client.force_login(nobody)
    assert client.get("/alarms/sla/").status_code == 403


def test_a_region_sets_its_own_targets_and_the_report_uses_them(client, constructed, supervisor, now):
    client.force_login(supervisor)
    refused = client.post("/alarms/sla/targets/", {"within_60": "95", "within_180": "90", "strict_60": "96"})
    assert refused.status_code == 422 and "不能低于 60 秒内接警率目标" in refused.content.decode()
    saved = client.post("/alarms/sla/targets/", {"within_60": "40", "within_180": "70", "strict_60": "45"})
    assert saved.status_code == 302
    figures = selectors.sla_figures(user=supervisor, params=PERIOD, now=now)
    assert figures.targets.own is not None and figures.targets.own.region_id == "310104000000"
    checks = {t.key: meets for t, _share, meets in figures.checks}
    assert checks == {"within_60": True, "within_180": True, "strict_60": False}  # 44.4 ≥ 40; 75 ≥ 70
    street = selectors.sla_figures(user=supervisor, params={**PERIOD, "street": "310104004000"}, now=now)
    assert street.targets.own == figures.targets.own  # the district's targets reach its streets
    page = client.get("/alarms/sla/", PERIOD).content.decode()
    assert "本区设定" in page and "≥ 40.00%" in page


def test_target_values_are_checked_in_the_service(supervisor):
    with pytest.raises(InvalidRule) as refused:
        services.sla_target_set(
            actor=supervisor,
            region_code="310104000000",
            within_60=Decimal("0"),
            within_180=Decimal("99"),
            strict_60=Decimal("98.5"),
        )
    assert refused.value.code == "alarms.sla_target_out_of_range"
