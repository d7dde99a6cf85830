"""The assessment pages (issue 9): the task list is paged by keyset, names instruments in Chinese, reads no
answers JSON and keeps its query count (5.10, 6.3); an incomplete submission comes back as the styled form
naming the missing items (5.4); the assessor's home shows her own tasks (5.10); no inline handlers (CSP)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yanglao.assessment import services
from yanglao.assessment.models import Assessment
from yanglao.assessment.tests import factories
from yanglao.people.tests import factories as people_factories

pytestmark = pytest.mark.django_db

# Session, user, permissions (one query, decision 59), scope, one query for the page of rows (no count, no query
# per row): the same for 3 rows or 60.
LIST_QUERIES = 8


@pytest.fixture
def team(street_officer):
    agency, (one, two, three) = factories.agency_team()
    return agency, one, two, three


def many(n, *, elder, requester, agency=None, one=None, two=None, status="requested"):
    """n assessments of one person, a minute apart, with a sizeable answers JSON each."""
    start = timezone.now() - dt.timedelta(days=1)
    Assessment.objects.bulk_create(
        Assessment(
            elder=elder,
            region_id=elder.region_id,
            instrument="gbt42195-2022",
            reason="routine",
            requested_by=requester,
            requested_at=start + dt.timedelta(minutes=k),
            status=status,
            agency=agency,
            assessor_1=one,
            assessor_2=two,
            answers=factories.full_answers(),
        )
        for k in range(n)
    )


def list_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured.captured_queries]


def test_the_list_is_paged_names_instruments_and_keeps_its_query_count(client, street_officer):
    elder = people_factories.elder(actor=street_officer, name="列表对象")
    many(3, elder=elder, requester=street_officer)
    client.force_login(street_officer)
    _, few = list_queries(client, reverse("assessment:list"))
    many(57, elder=elder, requester=street_officer)
    response, queries = list_queries(client, reverse("assessment:list"))
    assert len(queries) == len(few) == LIST_QUERIES, queries  # no query per row
    page = response.content.decode()
    assert len(re.findall(r'href="/assessments/\d+/"', page)) == 25  # one page of 25 rows, newest first
    assert "老年人能力评估规范（GB/T 42195-2022）" in page and ">gbt42195-2022<" not in page
    listing = [q for q in queries if 'FROM "assessment_assessment"' in q]
    assert listing and all(
        '"answers"' not in q and '"result"' not in q and '"context"' not in q for q in listing
    )
    seen, url = set(), reverse("assessment:list")
    while url:  # follow 下一页 to the end: every row once, no page beyond the last
        page = client.get(url).content.decode()
        rows = re.findall(r'href="/assessments/(\d+)/"', page)
        assert not seen & set(rows)
        seen |= set(rows)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">下一页', page)
        url = reverse("assessment:list") + found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == 60


def test_a_bad_cursor_means_the_first_page(client, street_officer):
    client.force_login(street_officer)
    for junk in ("x", "2026-01-01_x", "2026-01-01T00:00:00_5", "_"):
        assert client.get(reverse("assessment:list"), {"after": junk}).status_code == 200


def test_the_list_order_has_its_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Assessment._meta.db_table)
    assert constraints["assessment_list_order"]["columns"] == ["requested_at", "id"]
    assert constraints["assessment_status_order"]["columns"] == ["status", "requested_at", "id"]


def test_an_incomplete_submission_comes_back_as_the_form_naming_the_missing_items(
    client, street_officer, team
):
    agency, one, two, _ = team
    elder = people_factories.elder(actor=street_officer, name="提交对象")
    a = factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    answers = factories.full_answers()
    del answers["B.2.4"], answers["B.4.5"]
    client.force_login(one)
    response = client.post(reverse("assessment:form", args=[a.pk]), {**answers, "submit": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "<nav" in page or "navbar" in page  # the whole styled page, not a bare fragment
    assert "不能提交，以下 2 项须处理" in page
    assert 'href="#item-B.2.4"' in page and "B.2.4 上下楼梯：必须作答" in page and "B.4.5" in page
    assert re.search(r'name="B\.1\.1" value="0" checked', page)  # what was entered stays on the form
    assert Assessment.objects.unscoped(reason="test").get(pk=a.pk).status == "assigned"


def test_the_assessors_home_shows_her_tasks(client, street_officer, team):
    agency, one, two, three = team
    elder = people_factories.elder(actor=street_officer, name="王阿婆")
    factories.assigned(actor=street_officer, elder_id=elder.pk, agency=agency, first=one, second=two)
    client.force_login(one)
    home = client.get(reverse("core:home")).content.decode()
    panel_url = reverse("assessment:home_panel")
    assert home.index(panel_url) < home.index(reverse("people:elder_counts"))  # her tasks come first
    panel = client.get(panel_url).content.decode()
    assert "我的评估任务" in panel and "王阿婆" in panel and "老年人能力评估规范" in panel
    client.force_login(three)
    assert "王阿婆" not in client.get(panel_url).content.decode()
    client.force_login(street_officer)  # officials keep their overview; the panel is not theirs
    assert panel_url not in client.get(reverse("core:home")).content.decode()
    assert client.get(panel_url).status_code == 403


def test_templates_have_no_inline_handlers():
    folder = Path(services.__file__).parent / "templates"
    for template in folder.rglob("*.html"):
        assert not re.search(r"\son[a-z]+\s*=", template.read_text(encoding="utf-8")), template


def test_the_due_list_is_paged_and_takes_any_days(client, street_officer):
    client.force_login(street_officer)
    for days in ("abc", "-5", "99999", "30"):
        response = client.get("/assessments/due/", {"days": days})
        assert response.status_code == 200, days
    assert "没有即将到期的评估" in client.get("/assessments/due/").content.decode()
