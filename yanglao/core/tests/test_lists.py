"""The list kit (core.lists) on core's own organisations: keyset pages in any declared order, sorting among
cheap orders, cursors that cannot be forged into another order, the API schema made from the filter set."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from yanglao.core import lists
from yanglao.core.filters import OrganisationFilterSet
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    # Ties on the name across communities, so the keyset's later fields decide.
    names = ["乙", "甲", "丙", "甲", "乙", "丁", "甲"]
    regions = [
        "310104003001",
        "310104003002",
        "310104003001",
        "310104003001",
        "310104003003",
        "310104003002",
        "310104003003",
    ]
    return [factories.organisation(region_code=r, name=n) for n, r in zip(names, regions, strict=True)]


def _all_pages(fs_for, keyset_of, limit=2):
    seen, after = [], ""
    while True:
        fs = fs_for()
        page = lists.keyset_page(fs.qs.order_by(*keyset_of(fs)), keyset_of(fs), after=after, limit=limit)
        seen += page.rows
        after = page.next
        if not after:
            return seen


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("", lambda o: (o.region_id, o.name, o.pk)),
        ("region", lambda o: (o.region_id, o.name, o.pk)),
        ("name", lambda o: (o.name, o.pk)),
    ],
)
def test_keyset_pages_follow_the_chosen_order_and_cover_every_row_once(orgs, street_officer, sort, key):
    params = QueryDict(f"sort={sort}") if sort else QueryDict()
    seen = _all_pages(
        lambda: OrganisationFilterSet(params, user=street_officer), lambda fs: fs.current_keyset()
    )
    assert [o.pk for o in seen] == [o.pk for o in sorted(orgs, key=key)]


def test_a_descending_keyset_pages_backwards(orgs, street_officer):
    keyset = ("-name", "-pk")
    seen = _all_pages(lambda: OrganisationFilterSet(None, user=street_officer), lambda fs: keyset)
    assert [o.pk for o in seen] == [o.pk for o in sorted(orgs, key=lambda o: (o.name, o.pk), reverse=True)]


def test_pages_never_use_offset_or_count(orgs, street_officer):
    fs = OrganisationFilterSet(None, user=street_officer)
    first = lists.keyset_page(fs.qs, fs.current_keyset(), limit=2)
    with CaptureQueriesContext(connection) as queries:
        lists.keyset_page(fs.qs, fs.current_keyset(), after=first.next, limit=2)
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in sql and "COUNT(" not in sql


def test_a_cursor_from_another_order_or_forged_is_refused(orgs, street_officer):
    fs = OrganisationFilterSet(None, user=street_officer)
    cursor = lists.keyset_page(fs.qs, fs.current_keyset(), limit=2).next
    by_name = OrganisationFilterSet(QueryDict("sort=name"), user=street_officer)
    for bad in (cursor, "not-a-cursor", lists.encode_cursor([True, 1]), lists.encode_cursor(["x", "y"])):
        with pytest.raises(lists.InvalidCursor):
            lists.keyset_page(by_name.qs, by_name.current_keyset(), after=bad)


def test_the_api_refuses_an_unknown_order_and_names_the_field(client, street_officer, orgs):
    client.force_login(street_officer)
    bad = client.get("/api/v1/organisations?sort=budget")
    assert bad.status_code == 422 and "sort" in bad.json()["fields"]
    ok = client.get("/api/v1/organisations?sort=name&limit=3").json()
    assert [o["name"] for o in ok["items"]] == ["丁", "丙", "乙"] and ok["next"]


def test_the_api_schema_is_the_filter_set():
    schema = lists.filter_schema(OrganisationFilterSet, "Probe").model_json_schema()["properties"]
    assert set(schema) == set(OrganisationFilterSet.base_filters)
    assert "按名称" in schema["sort"]["description"] and schema["kind"]["description"].startswith("类型")


def test_an_audit_description_masks_an_id_number_typed_in_the_search(street_officer):
    fs = OrganisationFilterSet(QueryDict("q=110101194001011237&kind="), user=street_officer)
    fs.qs  # noqa: B018  (validates the form)
    assert fs.describe() == {"q": "**************1237"}
