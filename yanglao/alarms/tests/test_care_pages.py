"""The care-call, plan and visit-task pages and their API."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms.choices import CallResult, CareCallStatus, CareGroup, VisitReason
from yanglao.alarms.models import CareCall, CareCallPlan, VisitTask
from yanglao.alarms.services import care
from yanglao.alarms.tests import care_builders as b
from yanglao.core.testing import factories
from yanglao.core.testing.contracts import DetailContract, ListContract, unique_name
from yanglao.core.testing.fixtures import TIANPING

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------- the operator's page


def test_the_operator_sees_her_calls_first_then_the_unassigned_ones(client, operator, person):
    other_operator = factories.user(role="operator", regions=["310104000000"], username="colleague")
    mine = b.due(person, TODAY, operator=operator)
    free = b.due(b.elder(name="无人分"), TODAY)
    b.due(b.elder(name="同事的"), TODAY, operator=other_operator)
    client.force_login(operator)
    html = page(client, "/alarms/care-calls/")
    assert html.index("王秀英") < html.index("无人分") and "同事的" not in html
    assert f'data-testid="care-call-{mine.pk}"' in html and f'data-testid="care-call-{free.pk}"' in html
    assert f"{person.age} 岁" in html and "独居" in html
    assert person.phone not in html and person.phone_masked in html
    assert "无人接听" in html and "关怀记录" in html
    assert 'data-testid="care-summary"' in html and 'data-testid="care-progress"' not in html


def test_the_call_button_reveals_the_phone_in_the_row(client, operator, person):
    made = b.due(person, TODAY, operator=operator)
    client.force_login(operator)
    response = client.post(f"/alarms/care-calls/{made.pk}/reveal/")
    assert response.status_code == 200 and f'href="tel:{person.phone}"' in response.content.decode()
    assert client.get(f"/alarms/care-calls/{made.pk}/reveal/").status_code == 405


def test_recording_an_outcome_on_the_page(client, operator, person):
    made = b.due(person, TODAY, operator=operator)
    client.force_login(operator)
    response = client.post(
        f"/alarms/care-calls/{made.pk}/outcome/",
        {"result": "answered", "note": "一切都好", "next": "/alarms/care-calls/?who=mine"},
    )
    assert response.status_code == 302 and response["Location"] == "/alarms/care-calls/?who=mine"
    made.refresh_from_db()
    assert made.status == CareCallStatus.DONE and made.note == "一切都好"
    html = page(client, "/alarms/care-calls/")
    assert "已记录：王秀英，已接通" in html and 'data-testid="care-recorded"' in html and "一切都好" in html


def test_a_refused_outcome_shows_the_list_again_with_the_error(client, operator, person):
    made = b.due(person, TODAY, operator=operator)
    client.force_login(operator)
    response = client.post(f"/alarms/care-calls/{made.pk}/outcome/", {"result": "answered", "note": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "已接通时请填写关怀记录" in html and "王秀英" in html
    missing = client.post(f"/alarms/care-calls/{made.pk}/outcome/", {"note": "x"})
    assert missing.status_code == 422 and "请选择呼叫结果" in missing.content.decode()
    made.refresh_from_db()
    assert made.status == CareCallStatus.DUE


def test_another_streets_call_is_404_on_the_page_and_the_api(client, person):
    street_operator = factories.user(role="operator", regions=[TIANPING], username="tp_op")
    theirs = b.due(b.elder(region=b.HUNAN_1, name="湖南者"), TODAY)
    client.force_login(street_operator)
    assert client.post(f"/alarms/care-calls/{theirs.pk}/reveal/").status_code == 404
    assert client.post(f"/alarms/care-calls/{theirs.pk}/outcome/", {"result": "busy"}).status_code == 404
    assert client.get(f"/api/v1/alarms/care-calls/{theirs.pk}").status_code == 404
    outcome = client.post(
        f"/api/v1/alarms/care-calls/{theirs.pk}/outcome", {"result": "busy"}, content_type="application/json"
    )
    assert outcome.status_code == 404
    assert "湖南者" not in page(client, "/alarms/care-calls/", who="all")


def test_supervisors_see_each_operators_progress(client, operator, supervisor, person):
    colleague = factories.user(role="operator", regions=["310104000000"], username="colleague")
    done = b.due(person, TODAY, operator=operator)
    care.care_call_record(actor=operator, call_id=done.pk, result=CallResult.ANSWERED, note="好")
    b.due(b.elder(name="待拨一"), TODAY, operator=operator)
    b.due(b.elder(name="待拨二"), TODAY, operator=colleague)
    b.due(b.elder(name="待拨三"), TODAY - dt.timedelta(days=2))  # overdue and unassigned
    client.force_login(supervisor)
    html = page(client, "/alarms/care-calls/")
    assert 'data-testid="care-progress"' in html and "1/2" in html and "0/1" in html and "未分配" in html
    live = client.get("/alarms/care-calls/", headers={"HX-Request": "true"}).content.decode()
    assert live.startswith('<div id="care-progress"') and "1/2" in live and "<html" not in live
    rows = client.get("/api/v1/alarms/care-calls/progress").json()
    by_operator = {row["operator_id"]: row for row in rows}
    assert by_operator[operator.pk] | {"operator": ""} == {
        "operator_id": operator.pk,
        "operator": "",
        "total": 2,
        "done": 1,
        "missed": 0,
        "due": 1,
    }
    assert by_operator[None]["due"] == 1 and by_operator[colleague.pk]["total"] == 1


def test_the_api_lists_records_and_reveals(client, operator, person):
    made = b.due(person, TODAY, operator=operator)
    client.force_login(operator)
    body = client.get("/api/v1/alarms/care-calls").json()
    assert [row["id"] for row in body["items"]] == [made.pk] and body["next"] == ""
    row = body["items"][0]
    assert row["name"] == "王秀英" and row["age"] == person.age and row["phone_masked"] == person.phone_masked
    assert row["living_arrangement_label"] == "独居"
    phone = client.post(f"/api/v1/alarms/care-calls/{made.pk}/reveal").json()
    assert phone == {"phone": person.phone}
    refused = client.post(
        f"/api/v1/alarms/care-calls/{made.pk}/outcome",
        {"result": "answered"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["code"] == "alarms.care_call_note_missing"
    bad = client.post(
        f"/api/v1/alarms/care-calls/{made.pk}/outcome", {"result": "gone"}, content_type="application/json"
    )
    assert bad.status_code == 422
    done = client.post(
        f"/api/v1/alarms/care-calls/{made.pk}/outcome",
        {"result": "no_answer"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "missed"
    assert client.get("/api/v1/alarms/care-calls", {"status": "missed"}).json()["items"][0]["id"] == made.pk


# ---------------------------------------------------------------- plans


def test_the_plans_page_marks_defaults_and_a_district_admin_sets_its_own(client, district_officer):
    client.force_login(district_officer)
    html = page(client, "/alarms/care-plans/")
    assert html.count("系统默认值") >= 2 and "每 7 天" in html
    response = client.post(
        "/alarms/care-plans/?region=310104000000",
        {"group": "living_alone", "interval_days": "3", "active": "on"},
    )
    assert response.status_code == 302
    plan = CareCallPlan.objects.get(group=CareGroup.LIVING_ALONE, region_id="310104000000")
    assert plan.interval_days == 3 and not plan.is_default and plan.updated_by == district_officer
    html = page(client, "/alarms/care-plans/", region="310104000000")
    assert "本区划设置" in html and "每 3 天" in html
    street = page(client, "/alarms/care-plans/", region="310104003000")
    assert "沿用上级：徐汇区" in street
    bad = client.post("/alarms/care-plans/", {"group": "living_alone", "interval_days": "0"})
    assert bad.status_code == 422 and "间隔应在 1 到 90 天之间" in bad.content.decode()
    client.post("/alarms/care-plans/?region=310104000000", {"group": "living_alone", "reset": "1"})
    assert not CareCallPlan.objects.filter(region_id="310104000000").exists()


def test_plans_through_the_api_and_out_of_scope(client, district_officer, street_officer):
    client.force_login(district_officer)
    answer = client.put(
        "/api/v1/alarms/care-plans",
        {"region_code": "310104000000", "group": "very_old", "interval_days": 14, "active": True},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert {r["group"]: (r["interval_days"], r["source"]) for r in answer.json()} == {
        "living_alone": (7, "default"),
        "very_old": (14, "own"),
    }
    elsewhere = client.put(
        "/api/v1/alarms/care-plans",
        {"region_code": "310105000000", "group": "very_old", "interval_days": 14},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404
    village = client.put(
        "/api/v1/alarms/care-plans",
        {"region_code": "310104003001", "group": "very_old", "interval_days": 14},
        content_type="application/json",
    )
    assert village.status_code == 422 and village.json()["code"] == "alarms.care_plan_region_level"
    client.force_login(street_officer)
    assert client.get("/alarms/care-plans/").status_code == 200
    assert client.post("/alarms/care-plans/", {"group": "very_old", "interval_days": "3"}).status_code == 403
    assert client.get("/alarms/care-plans/", {"region": "310104000000"}).status_code == 404


# ---------------------------------------------------------------- visit tasks


def visit(region_code, name=None, actor=None):
    person = b.elder(region=region_code, name=name or unique_name("访"), actor=actor)
    return care.visit_task_open(
        actor=None, elder=person, reason=VisitReason.MISSED_CARE_CALLS, note="连续未接通"
    )


class TestVisitList(ListContract):
    url = "/alarms/visits/"
    api_url = "/api/v1/alarms/visits"
    export_url = "/alarms/visits/export/"
    permission = "alarms.view_visittask"
    max_queries = 11

    def make(self, n, region_code):
        return [visit(region_code, actor=self.actor).elder.name for _ in range(n)]


class TestVisitDetail(DetailContract):
    permission = "alarms.view_visittask"
    api_refused_status = 403

    def make(self, region_code):
        return visit(region_code, actor=self.actor)

    def url_for(self, obj):
        return f"/alarms/visits/{obj.pk}/"

    def api_url_for(self, obj):
        return f"/api/v1/alarms/visits/{obj.pk}"

    def shown(self, obj):
        return obj.elder.name


def test_open_tasks_come_first_and_closing_on_the_page(client, street_officer, district_officer):
    first = visit(b.TIANPING_1, "先派者", actor=district_officer)
    second = visit(b.TIANPING_1, "后派者", actor=district_officer)
    done = visit(b.TIANPING_1, "已完成者", actor=district_officer)
    care.visit_task_close(actor=street_officer, task_id=done.pk, result="已上门")
    client.force_login(street_officer)
    html = page(client, "/alarms/visits/")
    assert html.index("先派者") < html.index("后派者") < html.index("已完成者")
    assert "已等待" in html and "主动关怀连续未接通" in html
    empty = client.post(f"/alarms/visits/{first.pk}/", {"result": ""})
    assert empty.status_code == 422 and "请填写上门情况" in empty.content.decode()
    closed = client.post(f"/alarms/visits/{first.pk}/", {"result": "老人耳背没听见电话，身体好"})
    assert closed.status_code == 302
    assert VisitTask.objects.unscoped(reason="test").get(pk=first.pk).status == "closed"
    html = page(client, f"/alarms/visits/{first.pk}/")
    assert "老人耳背没听见电话，身体好" in html and "已完成上门探视：先派者" in html
    api = client.post(
        f"/api/v1/alarms/visits/{second.pk}/close", {"result": "已见到"}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["status"] == "closed"


def test_the_export_is_masked_unless_asked_clear(client, street_officer, district_officer):
    task = visit(b.TIANPING_1, "导出者", actor=district_officer)
    client.force_login(street_officer)
    masked = b"".join(client.get("/alarms/visits/export/", {"format": "csv"}).streaming_content).decode()
    assert "导出者" in masked and task.elder.phone_masked in masked and task.elder.phone not in masked
    clear = client.get("/alarms/visits/export/", {"format": "csv", "clear": "1"})
    assert task.elder.phone in b"".join(clear.streaming_content).decode()


def test_an_alarm_task_links_its_alarm_when_the_console_page_exists(client, street_officer, person):
    from yanglao.alarms.choices import AlarmKind
    from yanglao.alarms.services.raising import alarm_raise

    alarm, _ = alarm_raise(elder=person, kind=AlarmKind.SOS, at=timezone.now())
    task = care.visit_task_open(actor=None, elder=person, reason=VisitReason.ALARM, alarm=alarm)
    client.force_login(street_officer)
    html = page(client, "/alarms/visits/")
    assert "紧急呼救派单" in html and f"报警 {alarm.pk}" in html
    assert task.pk and CareCall.objects.unscoped(reason="test").count() == 0


def test_navigation_shows_each_role_its_entries(client, operator, street_officer, supervisor):
    client.force_login(operator)
    html = page(client, "/")
    assert "主动关怀" in html and "上门探视任务" not in html
    client.force_login(street_officer)
    html = page(client, "/")
    assert "上门探视任务" in html and ">主动关怀<" not in html
    client.force_login(supervisor)
    html = page(client, "/")
    assert "主动关怀" in html and "上门探视任务" in html
