"""Inherited test contracts (NetBox's ViewTestCases): a module declares its list, detail and write pages, the
contracts test them alike.

A list's test class subclasses ``ListContract`` and declares ``url`` (and ``api_url`` / ``export_url`` when it
has them), ``permission`` and ``make(n, region_code)``, which creates ``n`` rows in a community and returns
their display names. The contract then proves, for every list alike: anonymous users go to the login page and
users without the right get 403; rows of another street never appear on the page, in the API or in the export;
keyset pages cover every row exactly once with no cap (the API followed by ``next`` to the end); the page's
query count does not grow with its rows and stays under ``max_queries``; the export carries the filter and
leaves one audit entry with the row count.

``DetailContract`` declares ``make(region_code)`` (one object in a community), ``url_for(obj)`` and, when
there is one, ``api_url_for(obj)``. It proves: anonymous users go to the login page (the API answers 401);
users without the right are refused with the status the app gives (403, or 404 where it hides that the
object exists); the object shows in scope; another street's object is 404 on page and API with the very
body a missing id gets, so an answer never tells that an id exists elsewhere.

``WriteContract`` declares the writes a module exposes as (url, data) pairs: ``create_form(region_code)``
and ``edit_form(obj)`` for pages, ``api_create(region_code)`` and ``api_patch(obj)`` for the API, each
aimed at the given community or object. It proves: anonymous users and users without the write right are
refused and nothing changes; valid data creates or changes (a page redirects, the API answers 201/200);
invalid data shows the form again with 422 and Chinese error text (the API: 422 JSON with a Chinese
``message``); a write aimed at another street (its object, or a create for its community) is refused and
changes nothing.
"""

from __future__ import annotations

import abc
import copy
import csv
import io
import json
import re
from typing import Any, ClassVar

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

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
class ListContract(abc.ABC):
    url: ClassVar[str]
    api_url: ClassVar[str] = ""
    api_name_key: ClassVar[str] = "name"  # the API row's key for what ``make`` returns
    export_url: ClassVar[str] = ""
    permission: ClassVar[str]
    max_queries: ClassVar[int]  # pinned: the measured count of a page of rows; raise it only knowingly
    page_size: ClassVar[int] = 50

    @pytest.fixture(autouse=True)
    def _actor(self, district_officer):
        """``make`` writes as the district's administrator, who may write in both streets."""
        self.actor = district_officer

    @abc.abstractmethod
    def make(self, n: int, region_code: str) -> list[str]:
        """Declared by each adopting test class."""

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
            names = {row.get(self.api_name_key) for row in self._api_all(client)}
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
        names = [row.get(self.api_name_key) for row in rows]
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


# ---------------------------------------------------------------- detail and write contracts

CJK = re.compile(r"[\u4e00-\u9fff]")
_VARYING = re.compile(r'(name="csrfmiddlewaretoken" value|nonce|data-csrf|content)="[^"]*"')


def _page_text(response) -> str:
    """A page's body without what differs on every render (CSRF tokens, CSP nonces, meta values)."""
    return _VARYING.sub(r'\1=""', response.content.decode())


def _missing(obj: models.Model) -> models.Model:
    """The same object under an id nothing has, for "a missing id answers like a foreign one"."""
    ghost = copy.copy(obj)
    ghost.pk = 987_654_321
    return ghost


def _rightless(username: str, *permissions: str):
    """A street officer with no role's rights, only ``permissions`` (e.g. view but not change)."""
    user = factories.user(role=Role.GOVERNMENT, regions=["310104003000"], username=username)
    user.groups.clear()
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def _form_errors(response) -> list[str]:
    """Every error message on the forms the page was rendered with."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    bound = {id(v): v for c in contexts for v in c.flatten().values() if isinstance(v, forms.BaseForm)}
    return [str(m) for form in bound.values() if form.is_bound for ms in form.errors.values() for m in ms]


def _json_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def _api_write(client, method: str, url: str, data: dict):
    body = json.dumps(data, default=str)
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.mark.django_db
class DetailContract(abc.ABC):
    permission: ClassVar[str]
    refused_status: ClassVar[int] = 403  # the page for a user without the right (404 where it is hidden)
    api_refused_status: ClassVar[int] = 404

    @pytest.fixture(autouse=True)
    def _actor(self, district_officer):
        self.actor = district_officer

    @abc.abstractmethod
    def make(self, region_code: str) -> Any:
        """Declared by each adopting test class."""

    @abc.abstractmethod
    def url_for(self, obj: Any) -> str:
        """Declared by each adopting test class."""

    def api_url_for(self, obj: Any) -> str:
        return ""

    def shown(self, obj: Any) -> str:
        """Text the page (and the API body) must contain for the object: its name by default."""
        return str(obj.name)

    def test_anonymous_users_are_sent_to_the_login_page(self, client):
        obj = self.make(MINE)
        assert _is_login_redirect(client.get(self.url_for(obj)))
        if self.api_url_for(obj):
            assert client.get(self.api_url_for(obj)).status_code == 401

    def test_users_without_the_right_are_refused(self, client):
        obj = self.make(MINE)
        nobody = _rightless("no_rights")
        assert not nobody.has_perm(self.permission)
        client.force_login(nobody)
        response = client.get(self.url_for(obj))
        assert response.status_code == self.refused_status
        assert self.shown(obj) not in response.content.decode()
        if self.api_url_for(obj):
            response = client.get(self.api_url_for(obj))
            assert response.status_code == self.api_refused_status
            assert self.shown(obj) not in _json_text(response)

    def test_the_object_shows_in_scope(self, client, street_officer):
        obj = self.make(MINE)
        client.force_login(street_officer)
        response = client.get(self.url_for(obj))
        assert response.status_code == 200 and self.shown(obj) in response.content.decode()
        if self.api_url_for(obj):
            response = client.get(self.api_url_for(obj))
            assert response.status_code == 200, response.content
            assert response.json()["id"] == obj.pk and self.shown(obj) in _json_text(response)

    def test_another_streets_object_answers_like_a_missing_one(self, client, street_officer):
        theirs = self.make(THEIRS)
        client.force_login(street_officer)
        foreign, missing = client.get(self.url_for(theirs)), client.get(self.url_for(_missing(theirs)))
        assert foreign.status_code == missing.status_code == 404
        assert _page_text(foreign) == _page_text(missing)
        assert self.shown(theirs) not in foreign.content.decode()
        if self.api_url_for(theirs):
            foreign = client.get(self.api_url_for(theirs))
            missing = client.get(self.api_url_for(_missing(theirs)))
            assert foreign.status_code == missing.status_code == 404
            assert foreign.content == missing.content


Form = tuple[str, dict] | None


@pytest.mark.django_db
class WriteContract(abc.ABC):
    """Declare the writes (a method returning ``None`` has none); statuses pin what the app answers today."""

    model: ClassVar[type[models.Model]]
    view_permission: ClassVar[str] = ""  # the user without the write right still has this one
    refused: ClassVar[dict[str, int]] = {}  # status without the write right, per write; 403 when not named
    foreign_create_status: ClassVar[int] = 422  # a page create aimed at another street's community
    api_foreign_create_status: ClassVar[int] = 422

    @pytest.fixture(autouse=True)
    def _actor(self, district_officer):
        self.actor = district_officer

    @abc.abstractmethod
    def make(self, region_code: str) -> Any:
        """Declared by each adopting test class."""

    def create_form(self, region_code: str) -> Form:
        return None

    def edit_form(self, obj: Any) -> Form:
        return None

    def api_create(self, region_code: str) -> Form:
        return None

    def api_patch(self, obj: Any) -> Form:
        return None

    def invalid(self, data: dict) -> dict:
        """The same data made invalid (the page's and the API's): no name."""
        return {**data, "name": ""}

    # ---------------------------------------------------------------- helpers

    def _count(self) -> int:
        return self.model.objects.unscoped(reason="contract test").count()  # type: ignore[attr-defined]

    def _state(self, obj: Any) -> dict:
        fresh = self.model.objects.unscoped(reason="contract test").get(pk=obj.pk)  # type: ignore[attr-defined]
        return {
            f.attname: getattr(fresh, f.attname)
            for f in self.model._meta.concrete_fields
            if not getattr(f, "auto_now", False)  # a save that changed nothing still moves updated_at
        }

    def _writes(self, region_code: str) -> list[tuple[str, str, str, dict, Any]]:
        """(name, method, url, data, the object changed or None) for every declared write."""
        obj = self.make(region_code)
        out: list[tuple[str, str, str, dict, Any]] = []
        for name, method, form, target in (
            ("create", "post", self.create_form(region_code), None),
            ("edit", "post", self.edit_form(obj), obj),
            ("api_create", "post", self.api_create(region_code), None),
            ("api_patch", "patch", self.api_patch(obj), obj),
        ):
            if form is not None:
                out.append((name, method, form[0], form[1], target))
        return out

    def _send(self, client, name: str, method: str, url: str, data: dict):
        if name.startswith("api_"):
            return _api_write(client, method, url, data)
        return client.post(url, data)

    def _unchanged(self, before_count: int, target: Any, before_state: dict | None) -> None:
        assert self._count() == before_count
        if target is not None:
            assert self._state(target) == before_state

    # ---------------------------------------------------------------- tests

    def test_anonymous_users_are_refused_and_nothing_changes(self, client):
        writes = self._writes(MINE)
        assert writes, "declare at least one write"
        for name, method, url, data, target in writes:
            count, state = self._count(), target and self._state(target)
            response = self._send(client, name, method, url, data)
            if name.startswith("api_"):
                assert response.status_code == 401, (name, response.content)
            else:
                assert _is_login_redirect(response), name
                assert _is_login_redirect(client.get(url)), name
            self._unchanged(count, target, state)

    def test_users_without_the_write_right_are_refused_and_nothing_changes(self, client):
        writes = self._writes(MINE)
        nobody = _rightless("no_rights", *([self.view_permission] if self.view_permission else []))
        client.force_login(nobody)
        for name, method, url, data, target in writes:
            count, state = self._count(), target and self._state(target)
            if not name.startswith("api_"):
                assert client.get(url).status_code == self.refused.get(name, 403), name
            response = self._send(client, name, method, url, data)
            assert response.status_code == self.refused.get(name, 403), (name, response.content[:500])
            self._unchanged(count, target, state)

    def test_valid_data_creates_or_changes(self, client, street_officer):
        client.force_login(street_officer)
        for name, method, url, data, target in self._writes(MINE):
            if not name.startswith("api_"):
                assert client.get(url).status_code == 200, name
            count, state = self._count(), target and self._state(target)
            response = self._send(client, name, method, url, data)
            if name.startswith("api_"):
                expected = 201 if name == "api_create" else 200
                assert response.status_code == expected, (name, response.content)
            else:
                assert response.status_code == 302, (name, response.content.decode()[-3000:])
            if target is None:
                assert self._count() == count + 1, name
            else:
                assert self._count() == count and self._state(target) != state, name

    def test_invalid_data_is_shown_again_in_chinese_and_changes_nothing(self, client, street_officer):
        client.force_login(street_officer)
        for name, method, url, data, target in self._writes(MINE):
            count, state = self._count(), target and self._state(target)
            bad = self.invalid(data)
            response = self._send(client, name, method, url, bad)
            assert response.status_code == 422, (name, response.content[:500])
            if name.startswith("api_"):
                assert CJK.search(response.json()["message"]), name
            else:
                messages = _form_errors(response)
                assert messages, name
                page = response.content.decode()
                for message in messages:
                    own = message  # the words of the message, not the input it quotes back
                    for value in bad.values():
                        own = own.replace(str(value), "") if str(value) else own
                    assert CJK.search(own) and not re.search(r"[A-Za-z]{4,}", own), message
                    assert escape(message) in page, message
            self._unchanged(count, target, state)

    def test_writes_aimed_at_another_street_are_refused_and_change_nothing(self, client, street_officer):
        client.force_login(street_officer)
        expected = {
            "create": self.foreign_create_status,
            "edit": 404,
            "api_create": self.api_foreign_create_status,
            "api_patch": 404,
        }
        for name, method, url, data, target in self._writes(THEIRS):
            count, state = self._count(), target and self._state(target)
            response = self._send(client, name, method, url, data)
            assert response.status_code == expected[name], (name, response.content[:500])
            if name == "edit":
                assert client.get(url).status_code == 404
            self._unchanged(count, target, state)
