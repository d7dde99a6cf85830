"""Inherited test contracts (NetBox's ViewTestCases): a module declares its list, the contract tests it.

A list's test class subclasses ``ListContract`` and declares ``url`` (and ``api_url`` / ``export_url`` when it
has them), ``permission`` and ``make(n, region_code)``, which creates ``n`` rows in a community and returns
their display names. The contract then proves, for every list alike: anonymous users go to the login page and
users without the right get 403; rows of another street never appear on the page, in the API or in the export;
keyset pages cover every row exactly once with no cap (the API followed by ``next`` to the end); the page's
query count does not grow with its rows and stays under ``max_queries``; the export carries the filter and
leaves one audit entry with the row count.
"""

from __future__ import annotations

import csv
import io
import re
from typing import ClassVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.core.choices import Role
from yanglao.core.testing import factories

MINE = "310104003001"  # 天平路街道's community: the street officer's scope
THEIRS = "310104004001"  # 湖南路街道's community: outside it


_names = iter(range(1, 20_000))


def unique_name(prefix: str = "列") -> str:
    """A three-character name no other name contains (all have the same length), for finding rows in pages."""
    k = next(_names)
    return prefix + chr(0x4E00 + 0x300 + k // 200) + chr(0x4E00 + 0x1000 + k % 200)


@pytest.mark.django_db
class ListContract:
    url: ClassVar[str]
    api_url: ClassVar[str] = ""
    export_url: ClassVar[str] = ""
    permission: ClassVar[str]
    max_queries: ClassVar[int]  # pinned: the measured count of a page of rows; raise it only knowingly
    page_size: ClassVar[int] = 50

    @pytest.fixture(autouse=True)
    def _actor(self, district_officer):
        """``make`` writes as the district's administrator, who may write in both streets."""
        self.actor = district_officer

    def make(self, n: int, region_code: str) -> list[str]:
        raise NotImplementedError

    # ---------------------------------------------------------------- access

    def test_anonymous_users_are_sent_to_the_login_page(self, client):
        response = client.get(self.url)
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_users_without_the_right_are_refused(self, client):
        nobody = factories.user(role=Role.GOVERNMENT, regions=["310104003000"], username="no_rights")
        nobody.groups.clear()
        assert not nobody.has_perm(self.permission)
        client.force_login(nobody)
        assert client.get(self.url).status_code == 403

    def test_rows_of_another_street_never_appear(self, client, street_officer):
        mine, theirs = self.make(2, MINE), self.make(2, THEIRS)
        client.force_login(street_officer)
        page = client.get(self.url).content.decode()
        assert all(name in page for name in mine)
        assert not any(name in page for name in theirs)
        if self.api_url:
            names = {row.get("name") for row in self._api_all(client)}
            assert set(mine) <= names and not names & set(theirs)
        if self.export_url:
            exported = self._export_csv(client)
            assert all(name in exported for name in mine)
            assert not any(name in exported for name in theirs)

    # ---------------------------------------------------------------- pages

    def test_keyset_pages_cover_every_row_once(self, client, street_officer):
        made = self.make(self.page_size + 3, MINE)
        client.force_login(street_officer)
        seen, query = "", ""
        for _ in range(5):
            html = client.get(f"{self.url}?{query}").content.decode()
            seen += html
            found = re.search(r'href="\?([^"]*after=[^"]+)"[^>]*>下一页', html)
            if not found:
                break
            query = found.group(1).replace("&amp;", "&")
        else:
            pytest.fail("the pages never ended")
        assert all(name in seen for name in made)

    def test_the_page_query_count_does_not_grow_with_its_rows(self, client, street_officer):
        client.force_login(street_officer)
        self.make(2, MINE)
        client.get(self.url)  # warm per-process caches (permissions, navigation)
        with CaptureQueriesContext(connection) as few:
            client.get(self.url)
        self.make(30, MINE)
        with CaptureQueriesContext(connection) as many:
            client.get(self.url)
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
        assert len(many) <= self.max_queries, [q["sql"] for q in many.captured_queries]

    def test_an_edited_cursor_shows_the_first_page(self, client, street_officer):
        self.make(1, MINE)
        client.force_login(street_officer)
        assert client.get(f"{self.url}?after=not-a-cursor").status_code == 200

    # ---------------------------------------------------------------- API and export

    def _api_all(self, client) -> list[dict]:
        rows, after = [], ""
        for _ in range(100):
            response = client.get(self.api_url, {"limit": 20, **({"after": after} if after else {})})
            assert response.status_code == 200, response.content
            body = response.json()
            rows += body["items"]
            after = body["next"]
            if not after:
                return rows
        pytest.fail("the API's pages never ended")

    def test_the_api_pages_to_the_end_without_a_cap(self, client, street_officer):
        if not self.api_url:
            pytest.skip("this list has no API")
        made = self.make(45, MINE)
        client.force_login(street_officer)
        rows = self._api_all(client)
        names = [row.get("name") for row in rows]
        assert set(made) <= set(names) and len(names) == len(set(r["id"] for r in rows))
        bad = client.get(self.api_url, {"after": "bm90LWEtY3Vyc29y"})
        assert bad.status_code == 422 and "翻页位置无效" in bad.json()["message"]

    def _export_csv(self, client) -> str:
        response = client.get(self.export_url, {"format": "csv"})
        assert response.status_code == 200, response.content[:300]
        return b"".join(response.streaming_content).decode("utf-8-sig")

    def test_the_export_follows_the_filter_and_is_audited_once(self, client, street_officer):
        if not self.export_url:
            pytest.skip("this list has no export")
        from auditlog.models import LogEntry

        made = self.make(3, MINE)
        client.force_login(street_officer)
        before = LogEntry.objects.count()
        rows = list(csv.reader(io.StringIO(self._export_csv(client))))
        assert len(rows) - 1 >= len(made)
        entry = LogEntry.objects.order_by("-pk").first()
        assert LogEntry.objects.count() == before + 1 and entry is not None
        assert entry.additional_data["count"] == len(rows) - 1
        assert entry.action == LogEntry.Action.ACCESS
