"""The cockpit's pages, report, API and command line on a counted district: who may open them, what they
show, that a figure links to its records, and that nothing crosses a street."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from yanglao.core.indicators import Period
from yanglao.dashboard import services
from yanglao.dashboard.tests import builders

pytestmark = pytest.mark.django_db

XUHUI, TIANPING, HUNAN = "310104000000", "310104003000", "310104004000"
KEYS = {
    "code",
    "name",
    "value",
    "numerator",
    "denominator",
    "unit",
    "target",
    "target_year",
    "comparator",
    "status",
    "status_label",
    "projected_date",
}


@pytest.fixture
def counted(district_officer, street_officer):
    builders.district(street_officer)
    builders.nursing_target(district_officer)
    services.refresh(period=Period.of(timezone.localdate()))
    return district_officer


def test_overview_shows_the_target_with_its_status_and_links(client, counted):
    client.force_login(counted)
    page = client.get("/dashboard/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "护理型床位占比" in text and "≥ 60.0" in text and "达标" in text  # 3 of 5 beds: 60 %
    assert "/facilities/?region=310104000000&amp;residential=true" in text  # the numerator's records
    assert 'id="dashboard-charts"' in text


def test_indicator_page_drills_into_streets_and_communities(client, counted):
    client.force_login(counted)
    page = client.get("/dashboard/indicators/nursing_bed_share/")
    text = page.content.decode()
    assert "天平路街道" in text and f"?region={TIANPING}" in text
    street = client.get(f"/dashboard/indicators/nursing_bed_share/?region={TIANPING}").content.decode()
    assert "沿用徐汇区目标" in street and f"?region={builders.TIANPING_1}" in street
    community = client.get(f"/dashboard/indicators/nursing_bed_share/?region={builders.TIANPING_1}")
    assert community.status_code == 200 and "60.0" in community.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/dashboard/?region={HUNAN}",
        f"/dashboard/?region={XUHUI}",
        f"/dashboard/indicators/beds_total/?region={XUHUI}",
        f"/dashboard/wall/?region={HUNAN}",
        f"/dashboard/report/?region={HUNAN}",
        f"/dashboard/report.xlsx?region={HUNAN}",
        f"/api/v1/indicators?region={HUNAN}",
    ],
)
def test_a_street_officer_cannot_open_another_region(client, counted, street_officer, url):
    client.force_login(street_officer)
    assert client.get(url).status_code == 404


def test_bad_period_is_422_in_chinese_and_unknown_indicator_404(client, counted):
    client.force_login(counted)
    page = client.get("/dashboard/?period=2026-13")
    assert page.status_code == 422 and "统计期应为" in page.content.decode()
    assert client.get("/dashboard/indicators/no_such/").status_code == 404
    answer = client.get("/api/v1/indicators?period=garbage")
    assert answer.status_code == 422 and answer.json()["code"] == "dashboard.period_invalid"


def test_people_without_the_right_get_403(client, counted, provider_staff):
    client.force_login(provider_staff)
    for url in ("/dashboard/", "/dashboard/wall/", "/dashboard/report.xlsx", "/dashboard/targets/"):
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/indicators").status_code == 403


def test_api_and_command_line_answer_the_same_json(client, counted):
    client.force_login(counted)
    answer = client.get(f"/api/v1/indicators?region={XUHUI}").json()
    assert answer["region"] == XUHUI and answer["period"] == str(Period.of(timezone.localdate()))
    rows = {r["code"]: r for r in answer["indicators"]}
    assert all(set(r) == KEYS for r in rows.values())
    nursing = rows["nursing_bed_share"]
    assert (nursing["value"], nursing["numerator"], nursing["denominator"]) == (60.0, 3.0, 5.0)
    assert (nursing["target"], nursing["target_year"], nursing["comparator"], nursing["status"]) == (
        60.0,
        2027,
        "gte",
        "met",
    )
    assert rows["facility_area_per_person"]["value"] is None  # no population: null, not 0
    out = io.StringIO()
    call_command("kpi", region=XUHUI, json=True, stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["indicators"] == answer["indicators"]


def test_command_line_table_and_bad_region(counted):
    out = io.StringIO()
    call_command("kpi", region=XUHUI, stdout=out)
    assert "nursing_bed_share" in out.getvalue() and "达标" in out.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("kpi", region="999999999999", stdout=io.StringIO())


def test_workbook_has_numbers_as_numbers_and_inert_text(client, counted, district_officer):
    services.target_create(
        actor=district_officer,
        region_code=XUHUI,
        indicator="beds_total",
        comparator="gte",
        value=10,
        target_year=2030,
        source_document='=HYPERLINK("http://evil")',
    )
    client.force_login(counted)
    response = client.get("/dashboard/report.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = {r[0]: r for r in book.get_sheet_by_name("指标总表").to_python()[4:]}
    assert rows["nursing_bed_share"][3] == 60.0 and isinstance(rows["nursing_bed_share"][3], float)
    assert rows["beds_total"][11].startswith("'=")  # a formula in a source document stays text
    assert "天平路街道" in {r[2] for r in book.get_sheet_by_name("下级区划").to_python()[1:]}


def test_printable_report_and_wall_screen_render(client, counted):
    client.force_login(counted)
    report = client.get("/dashboard/report/").content.decode()
    assert "养老服务规划指标月度报告" in report and "@page" not in report  # print CSS lives in the stylesheet
    wall = client.get("/dashboard/wall/")
    assert wall.status_code == 200 and 'data-refresh-seconds="300"' in wall.content.decode()


def test_target_pages_keep_versions(client, counted):
    client.force_login(counted)
    page = client.get("/dashboard/targets/")
    assert "护理型床位占比" in page.content.decode()
    from yanglao.dashboard.models import PlanTarget

    target = PlanTarget.objects.unscoped(reason="test").get(indicator="nursing_bed_share")
    refused = client.post(
        f"/dashboard/targets/{target.pk}/edit/",
        {
            "comparator": "gte",
            "value": "65",
            "target_year": "2028",
            "source_document": "《修订》",
            "reason": "",
        },
    )
    assert refused.status_code == 422
    saved = client.post(
        f"/dashboard/targets/{target.pk}/edit/",
        {
            "comparator": "gte",
            "value": "65",
            "target_year": "2028",
            "source_document": "《修订》",
            "reason": "调整",
        },
    )
    assert saved.status_code == 302
    detail = client.get(saved["Location"]).content.decode()
    assert "第2版" in detail and "第1版" in detail and "调整" in detail


def test_refresh_needs_the_right_and_a_post(client, counted, street_officer):
    client.force_login(street_officer)
    assert client.post("/dashboard/refresh/").status_code == 403
    client.force_login(counted)
    assert client.get("/dashboard/refresh/").status_code == 405
    assert client.post("/dashboard/refresh/", {"next": "https://evil.example/"})["Location"] == "/dashboard/"


def test_command_line_refuses_a_bad_or_future_period_in_chinese(counted):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="统计期应为"):
        call_command("kpi", region=XUHUI, period="2026/12", stdout=io.StringIO())
    future = str(Period.of(timezone.localdate()).shift(2))
    with pytest.raises(CommandError, match="尚未开始"):
        call_command(
            "kpi", region=XUHUI, period=future, refresh=True, stdout=io.StringIO(), stderr=io.StringIO()
        )
