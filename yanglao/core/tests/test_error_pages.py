"""Error pages are Chinese (issue 9, 5.10): 404 and 403 in the site layout with its navigation, 500 a
self-contained page that cannot fail itself; each with its real status, under DEBUG=False."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("yanglao.core.tests.error_urls")]


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


def test_unknown_url_is_a_chinese_404_with_navigation(client, street_officer):
    client.force_login(street_officer)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "返回首页" in page
    assert 'href="/elders/"' in page  # the side navigation
    assert "Not Found" not in page


def test_unknown_url_for_a_visitor_offers_login_and_map(client):
    response = client.get("/facilities/999999/edit/")
    assert response.status_code in (302, 404)  # pages behind login first ask to sign in
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and "登录" in page and "查看养老地图" in page


def test_forbidden_page_is_a_chinese_403(client, street_officer):
    client.force_login(street_officer)
    response = client.get("/audit/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in page and "系统管理员" in page and 'href="/elders/"' in page
    assert "Forbidden" not in page


def test_csrf_failure_is_a_chinese_403(street_officer):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(street_officer)
    response = csrf_client.post("/elders/new/", {"name": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_server_error_is_a_self_contained_chinese_500(street_officer):
    failing = Client(raise_request_exception=False)
    failing.force_login(street_officer)
    response = failing.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page and 'href="/"' in page
    assert "Server Error" not in page and "{%" not in page and "/static/" not in page
