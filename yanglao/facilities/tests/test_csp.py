"""The Content-Security-Policy (issue 9, 1.4): every answer forbids inline and foreign script, and the
templates carry no inline script or event handler that the policy would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from yanglao.core.testing import factories as core_factories

ROOT = Path(__file__).resolve().parents[2]
# The templates of this change; assessment's are cleaned alongside by the same rule.
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "core" / "templates", ROOT / "facilities" / "templates"]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/map/", "/login/", "/api/v1/public/facilities", "/facilities/"])
def test_every_answer_forbids_inline_script(client, street_officer, url):
    client.force_login(street_officer)
    policy = directives(client.get(url)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_the_tile_server_is_allowed_for_images_only():
    from yanglao.settings.base import _tile_origin

    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert _tile_origin("http://tiles.local:8080/{z}/{x}/{y}.png") == "http://tiles.local:8080"
    assert _tile_origin("") == ""
    assert _tile_origin("javascript:alert(1)") == ""
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"][:2] == ["'self'", "data:"]


@pytest.mark.parametrize(
    "path",
    sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_templates_have_no_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_HANDLER.search(text), "use a data attribute handled in static/js/yanglao.js"
    assert not INLINE_SCRIPT.search(text), "move the script to static/js/"


def test_the_shared_script_handles_the_attributes_templates_use():
    script = (ROOT.parent / "static" / "js" / "yanglao.js").read_text(encoding="utf-8")
    assert "select[data-autosubmit]" in script and "requestSubmit" in script
    assert "[data-print]" in script and "window.print()" in script


@pytest.mark.django_db
def test_hostile_name_is_escaped_in_server_pages(client, street_officer):
    from yanglao.facilities import services

    operator = core_factories.organisation(region_code="310104003001")
    facility = services.facility_create(
        actor=street_officer,
        name='"><script>window.__xss=2</script>',
        kind="day_care",
        operator_id=operator.pk,
        operating_model="private",
        region_code="310104003001",
        lat=31.2075,
        lng=121.444,
    )
    client.force_login(street_officer)
    for url in ("/facilities/", f"/facilities/{facility.pk}/"):
        body = client.get(url).content.decode()
        assert "<script>window.__xss" not in body
        assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in body
