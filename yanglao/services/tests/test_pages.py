"""The catalogue page and a district's rule edit (core.pages: refusals re-render with 422)."""

import pytest

from yanglao.services.models import CheckInRule

pytestmark = pytest.mark.django_db

VALID = {
    "max_distance_in_m": "300",
    "max_distance_out_m": "300",
    "late_start_minutes": "10",
    "early_leave_minutes": "10",
    "min_service_minutes": "45",
    "photos_required": "0",
    "on_distance": "block",
    "on_late": "warn",
    "on_early": "warn",
    "on_short": "end",
}


def test_the_catalogue_shows_where_each_rule_comes_from(client, district_officer):
    client.force_login(district_officer)
    page = client.get("/services/catalogue/?region=310104000000").content.decode()
    assert "助浴" in page and "系统默认值（未经核实）" in page and "家庭生活环境适老化改造" in page
    response = client.post("/services/catalogue/SH-ZY/rules/?region=310104000000", VALID)
    assert response.status_code == 302
    page = client.get("/services/catalogue/?region=310104003000").content.decode()
    assert "沿用上级：徐汇区" in page
    rule = CheckInRule.objects.get(item__code="SH-ZY", region="310104000000")
    assert (rule.max_distance_in_m, rule.on_distance, rule.updated_by) == (300, "block", district_officer)


def test_bad_values_come_back_on_the_form_in_chinese(client, district_officer):
    client.force_login(district_officer)
    response = client.post(
        "/services/catalogue/SH-ZY/rules/?region=310104000000",
        VALID | {"photos_required": "9", "on_late": "x"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "须上传照片" in page and "确保该值小于或等于3" in page
    assert not CheckInRule.objects.filter(region="310104000000").exists()


def test_only_district_administrators_change_rules_and_only_in_their_scope(
    client, street_officer, district_officer
):
    client.force_login(street_officer)
    assert client.get("/services/catalogue/?region=310104003000").status_code == 200
    assert client.post("/services/catalogue/SH-ZY/rules/?region=310104003000", VALID).status_code == 403
    client.force_login(district_officer)
    assert client.get("/services/catalogue/?region=310105000000").status_code == 404
    assert client.post("/services/catalogue/SH-ZY/rules/?region=310105000000", VALID).status_code == 404
    assert client.get("/services/catalogue/NOPE/rules/?region=310104000000").status_code == 404
