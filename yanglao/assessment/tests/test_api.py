"""The score endpoint and the CLI: results for all three instruments, 422 for every kind of bad input."""

import json

import pytest
from django.core.management import call_command

from yanglao.assessment import instruments

pytestmark = pytest.mark.django_db


def full(code, pick=max):
    data = instruments.get(code)
    return {i["code"]: pick(o["score"] for o in i["options"]) for d in data["dimensions"] for i in d["items"]}


@pytest.fixture
def api(client, assessor):
    client.force_login(assessor)
    return client


def post(api, payload):
    return api.post("/api/v1/assessments/score", payload, content_type="application/json")


@pytest.mark.parametrize(
    ("code", "level", "name"),
    [("gbt42195-2022", 0, "能力完好"), ("mzt039-2013", 3, "重度失能"), ("ltc-2021", 0, "基本正常")],
)
def test_score_each_instrument(api, code, level, name):
    response = post(api, {"instrument": code, "answers": full(code)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["final_level"] == {"level": level, "name": name}
    assert {"dimensions", "total", "preliminary_level", "rules_applied"} <= set(body)


def test_issue_example(api):
    answers = full("gbt42195-2022")
    answers["B.1.1"] = 0
    response = post(
        api,
        {
            "instrument": "gbt42195-2022",
            "answers": answers,
            "context": {"coma": False, "diagnoses": ["F01"], "risk_events": {"跌倒": 1, "噎食": 1}},
        },
    )
    body = response.json()
    assert body["total"] == 86 and body["final_level"]["level"] == 2
    assert body["rules_applied"][0]["reason"].startswith("确诊为痴呆")


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"instrument": "nope", "answers": {}}, "instrument", "未知的评估量表"),
        (
            {"instrument": "gbt42195-2022", "answers": {**full("gbt42195-2022"), "B.9.9": 1}},
            "B.9.9",
            "unknown item",
        ),
        (
            {
                "instrument": "gbt42195-2022",
                "answers": {k: v for k, v in full("gbt42195-2022").items() if k != "B.2.4"},
            },
            "B.2.4",
            "必须作答",
        ),
        (
            {"instrument": "gbt42195-2022", "answers": {**full("gbt42195-2022"), "B.2.4": 4}},
            "B.2.4",
            "不是可选分值",
        ),
        (
            {"instrument": "gbt42195-2022", "answers": {**full("gbt42195-2022"), "B.1.1": "four"}},
            "answers.B.1.1",
            "应为整数",
        ),
    ],
)
def test_bad_input_is_422_naming_the_item(api, payload, field, text):
    response = post(api, payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["fields"] and text in body["fields"][field] + body["message"]


def test_instrument_catalogue(api):
    catalogue = {i["code"]: i for i in api.get("/api/v1/assessments/instruments").json()}
    assert set(catalogue) == {"gbt42195-2022", "mzt039-2013", "ltc-2021"}
    gbt = catalogue["gbt42195-2022"]
    assert sum(len(d["items"]) for d in gbt["dimensions"]) == 26
    assert gbt["levels"]["4"] == "能力完全丧失（完全失能）"
    assert gbt["dimensions"][0]["items"][0]["options"][0] == {
        "score": 4,
        "text": "独立使用器具将食物送进口中并咽下，没有呛咳",
    }


def test_anonymous_gets_401(client):
    assert client.post("/api/v1/assessments/score", {}, content_type="application/json").status_code == 401


def test_cli(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": full("ltc-2021", min)}), encoding="utf-8")
    call_command("assess", str(path), "--instrument", "ltc-2021")
    assert json.loads(capsys.readouterr().out)["final_level"] == {"level": 5, "name": "重度失能Ⅲ级"}
    path.write_text(json.dumps({"answers": {"C1.1": 7}}), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("assess", str(path), "--instrument", "ltc-2021")
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"] == "assessment.invalid_answers"


def test_the_list_shows_the_pages_row_and_filters_like_it(client, street_officer, district_officer):
    from yanglao.assessment import services
    from yanglao.people.tests import factories

    elder = factories.elder(actor=district_officer, name="列表甲", region_code="310104003001")
    services.assessment_request(
        actor=district_officer, elder_id=elder.pk, instrument="gbt42195-2022", reason="first"
    )
    client.force_login(street_officer)
    body = client.get("/api/v1/assessments").json()
    (row,) = body["items"]
    assert set(row) == {
        "id",
        "elder_id",
        "elder_name",
        "region_code",
        "region_name",
        "instrument",
        "reason",
        "status",
        "status_label",
        "level_name",
        "requested_at",
        "valid_until",
    }
    assert (row["elder_name"], row["status"], row["status_label"]) == ("列表甲", "requested", "待派单")
    assert elder.id_number not in json.dumps(body)
    assert client.get("/api/v1/assessments", {"status": "approved"}).json()["items"] == []
    bad = client.get("/api/v1/assessments", {"status": "nonsense"})
    assert bad.status_code == 422 and "status" in bad.json()["fields"]
