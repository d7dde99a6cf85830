"""No button leads to a page its user may not open (issue 9, 5.10): each demo role's home page and the
pages its navigation lists link only to pages answering 200 for that user."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from yanglao.core import demo
from yanglao.core.models import User

pytestmark = pytest.mark.django_db
HREF = re.compile(r"""<a\b[^>]*\bhref="([^"#][^"]*)\"""")
FRAGMENT = re.compile(r"""\bhx-get="([^"]+)\"""")
SKIP = ("/static/", "/api/", "/admin/", "/logout/")


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.run(scale=0.001, seed=1, log=lambda _: None)
    yield
    # the module's demo rows stay in the test database only for this module's tests
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)
        from yanglao.core.testing.fixtures import load_reference_data

        load_reference_data()


def links(html: str) -> set[str]:
    found = set()
    for href in HREF.findall(html):
        path = unescape(href)
        if urlsplit(path).scheme or path.startswith(SKIP) or not path.startswith("/"):
            continue
        found.add(path)
    return found


def answers(client, path: str) -> int:
    """The status a person ends on: a redirect inside the site (e.g. /regions/ to one's own region) is
    followed."""
    return client.get(path, follow=True).status_code


@pytest.mark.parametrize("username", ["provider", "caregiver", "advisor", "operator", "assessor", "family"])
def test_every_link_on_home_and_list_pages_opens(client, demo_district, username):
    client.force_login(User.objects.get(username=username))
    home = client.get("/")
    assert home.status_code == 200
    pages = {"/": home.content.decode()}
    for fragment in FRAGMENT.findall(pages["/"]):  # the panels the home page loads after itself
        response = client.get(unescape(fragment), HTTP_HX_REQUEST="true")
        assert response.status_code == 200, (
            f"{username}: home panel {fragment} answers {response.status_code}"
        )
        pages[fragment] = response.content.decode()
    nav = [p for p in links(pages["/"]) if p.count("/") == 2]  # top-level pages: /elders/, /facilities/ …
    for path in nav:
        response = client.get(path, follow=True)
        assert response.status_code == 200, (
            f"{username}: navigation link {path} answers {response.status_code}"
        )
        pages[path] = response.content.decode()
    broken = {}
    for page, html in pages.items():
        for path in sorted(links(html)):
            status = answers(client, path)
            if status != 200:
                broken[f"{page} → {path}"] = status
    assert broken == {}, f"{username} sees links to pages they may not open: {broken}"
