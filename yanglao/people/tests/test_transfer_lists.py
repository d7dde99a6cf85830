"""The transfers page and /api/v1/transfers: keyset pages with no cap, pending incoming shown first."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.core.testing.contracts import unique_name
from yanglao.people.models import ElderTransfer
from yanglao.people.tests import factories

pytestmark = pytest.mark.django_db


def _transfers(n: int, *, actor, status: str = "pending") -> list[str]:
    """``n`` transfers from 天平路 to 湖南路; returns the people's names."""
    elders = [
        factories.elder(actor=actor, name=unique_name("迁"), region_code="310104003001") for _ in range(n)
    ]
    ElderTransfer.objects.bulk_create(
        ElderTransfer(
            elder=e,
            from_region_id="310104003001",
            to_region_id="310104004001",
            date=dt.date(2026, 11, 1),
            status=status,
            requested_by=actor,
        )
        for e in elders
    )
    return [e.name for e in elders]


def _follow(client, key: str) -> str:
    """Every page of one list on the transfers page, by its 下一页 link."""
    html, query = "", ""
    for _ in range(10):
        page = client.get(f"/transfers/?{query}").content.decode()
        html += page
        found = re.search(rf'href="\?([^"]*)" data-testid="{key}-next"', page)
        if not found:
            return html
        query = found.group(1).replace("&amp;", "&")
    pytest.fail("the pages never ended")


def test_every_pending_incoming_transfer_is_reachable_and_listed_first(
    client, district_officer, other_street_officer
):
    names = _transfers(53, actor=district_officer)
    done = _transfers(1, actor=district_officer, status="accepted")
    client.force_login(other_street_officer)
    first = client.get("/transfers/").content.decode()
    assert "待本辖区接收（53）" in first and 'data-testid="incoming-next"' in first
    assert sum(name in first for name in names) == 50
    assert first.index("待本辖区接收") < first.index("本辖区发起的转移")
    seen = _follow(client, "incoming")
    assert all(name in seen for name in names) and done[0] not in seen


def test_the_two_lists_page_apart(client, district_officer, street_officer):
    names = _transfers(52, actor=district_officer)
    client.force_login(street_officer)  # the sender: everything is outgoing
    seen = _follow(client, "outgoing")
    assert all(name in seen for name in names)
    assert "没有待接收的转移" in seen


def test_the_api_pages_to_the_end_and_filters_by_direction(client, district_officer, street_officer):
    names = _transfers(45, actor=district_officer)
    client.force_login(street_officer)
    rows, after = [], ""
    for _ in range(10):
        body = client.get("/api/v1/transfers", {"limit": 20, **({"after": after} if after else {})}).json()
        rows += body["items"]
        after = body["next"]
        if not after:
            break
    assert sorted(r["elder_name"] for r in rows) == sorted(names) and len({r["id"] for r in rows}) == 45
    assert client.get("/api/v1/transfers", {"direction": "incoming"}).json()["items"] == []
    outgoing = client.get("/api/v1/transfers", {"direction": "outgoing", "status": "pending", "limit": 500})
    assert len(outgoing.json()["items"]) == 45
    bad = client.get("/api/v1/transfers", {"direction": "sideways"})
    assert bad.status_code == 422 and "direction" in bad.json()["fields"]
