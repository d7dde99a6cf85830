"""The API documentation runs from our own files: with every request off this machine refused, Chromium
still shows the list of operations (issue 9, 3.4)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from yanglao.core.testing.browser import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline(page, live_server):
    refused = []

    def offline(route):
        host = urlsplit(route.request.url).hostname
        if host in {"localhost", "127.0.0.1"}:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", name="养老服务综合平台 API")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/me").count() >= 1
    assert refused == []
    assert errors == []
    shot(page, "api-docs-offline")
