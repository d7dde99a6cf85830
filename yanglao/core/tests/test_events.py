"""Live events (issue 10, item 5): publish after commit only, scoped reads, Last-Event-ID replay, the SSE view,
and the wake-up buses over real Redis and real PostgreSQL connections. Every wait is bounded."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, connections, transaction
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext

from yanglao.core import eventbus, events
from yanglao.core.models import Event
from yanglao.core.testing import factories

pytestmark = pytest.mark.django_db

TIANPING_COMMUNITY = "310104003001"
HUNAN_COMMUNITY = "310104004001"


def seen(user, topics=()) -> list[str]:
    """What ``user`` reads from the table; the live fan-out's in-memory check must agree row for row."""
    found = [e.topic for e in events.event_list(user=user, after=0, topics=topics)]
    every = Event.objects.unscoped(reason="test").order_by("id")
    assert [e.topic for e in every if events.visible(user, e, topics)] == found
    return found


def sse_events(body: str) -> list[dict]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


# ---------------------------------------------------------------- publishing


def test_rolled_back_publish_leaves_no_event_and_no_wakeup(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                events.publish_on_commit("test.rolled", {"n": 1}, region_code=TIANPING_COMMUNITY)
                raise RuntimeError("the write fails")
    assert Event.objects.unscoped(reason="test").count() == 0
    assert callbacks == []


def test_committed_publish_wakes_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    woken = []
    monkeypatch.setattr(eventbus, "notify", woken.append)
    with django_capture_on_commit_callbacks(execute=True):
        event = events.publish_on_commit("test.kept", {"n": 1}, user_id=7)
        assert woken == []  # not before the commit
    assert woken == [event.pk]


@pytest.mark.parametrize(
    "payload",
    [{"phone": "13812345678"}, {"id": "31010419380401002X"}, {"name": "x" * 65}, {"at": object()}],
)
def test_payload_refuses_personal_data(payload):
    with pytest.raises(ValueError):
        events.publish_on_commit("test.bad", payload)
    assert Event.objects.unscoped(reason="test").count() == 0


def test_old_events_are_purged(street_officer):
    import datetime as dt

    from django.utils import timezone

    old = events.publish_on_commit("test.old", {"n": 1}, user_id=street_officer.pk)
    Event.objects.unscoped(reason="test").filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    events.publish_on_commit("test.new", {"n": 2}, user_id=street_officer.pk)
    assert events.event_purge() == 1
    assert seen(street_officer) == ["test.new"]


# ---------------------------------------------------------------- scoping


def test_street_officer_receives_own_street_only(street_officer, other_street_officer, district_officer):
    events.publish_on_commit("test.street", {"n": 1}, region_code=TIANPING_COMMUNITY)
    events.publish_on_commit("test.other", {"n": 2}, region_code=HUNAN_COMMUNITY)
    events.publish_on_commit("test.nobody", {"n": 3})
    assert seen(street_officer) == ["test.street"]
    assert seen(other_street_officer) == ["test.other"]
    assert seen(district_officer) == ["test.street", "test.other"]


def test_provider_receives_own_organisation_and_own_user_events(provider_staff, provider_org, street_officer):
    other = factories.organisation(region_code=HUNAN_COMMUNITY, name="湖南路日间照料中心")
    events.publish_on_commit("test.own", {"n": 1}, organisation_id=provider_org.pk)
    events.publish_on_commit("test.foreign", {"n": 2}, organisation_id=other.pk)
    events.publish_on_commit("test.mine", {"n": 3}, user_id=provider_staff.pk)
    events.publish_on_commit("test.theirs", {"n": 4}, user_id=street_officer.pk)
    assert seen(provider_staff) == ["test.own", "test.mine"]
    assert seen(street_officer) == ["test.theirs"]


def test_superuser_all_anonymous_none(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    events.publish_on_commit("test.a", {"n": 1}, region_code=HUNAN_COMMUNITY)
    events.publish_on_commit("test.b", {"n": 2})
    root = django_user_model.objects.create_superuser("root", password="x")
    assert seen(root) == ["test.a", "test.b"]
    assert seen(AnonymousUser()) == []


def test_topic_prefix_filter(street_officer):
    events.publish_on_commit("notify.assessment", {"n": 1}, user_id=street_officer.pk)
    events.publish_on_commit("people.import.progress", {"job": 1}, user_id=street_officer.pk)
    assert seen(street_officer, topics=["notify."]) == ["notify.assessment"]
    assert seen(street_officer, topics=events.parse_topics("people.import,bad topic!")) == [
        "people.import.progress"
    ]


# ---------------------------------------------------------------- the view


def test_view_refuses_anonymous_and_non_stream_requests(client, street_officer):
    assert client.get("/events/", HTTP_ACCEPT="text/event-stream").status_code == 401
    client.force_login(street_officer)
    answer = client.get("/events/")
    assert answer.status_code == 406 and "事件流" in answer.content.decode()
    assert client.post("/events/", HTTP_ACCEPT="text/event-stream").status_code == 405


def test_replay_from_last_event_id_header_or_parameter(client, street_officer):
    first = events.publish_on_commit("test.one", {"n": 1}, user_id=street_officer.pk)
    events.publish_on_commit("test.two", {"n": 2}, user_id=street_officer.pk)
    events.publish_on_commit("test.foreign", {"n": 3}, region_code=HUNAN_COMMUNITY)
    client.force_login(street_officer)
    by_header = client.get("/events/", HTTP_ACCEPT="text/event-stream", HTTP_LAST_EVENT_ID=str(first.pk))
    assert by_header["Content-Type"].startswith("text/event-stream")
    assert [e["topic"] for e in sse_events(by_header.content.decode())] == ["test.two"]
    by_param = client.get("/events/?last_event_id=0", HTTP_ACCEPT="text/event-stream")
    body = by_param.content.decode()
    assert [e["topic"] for e in sse_events(body)] == ["test.one", "test.two"]
    assert f"id: {first.pk}\n" in body
    fresh = client.get("/events/", HTTP_ACCEPT="text/event-stream")  # no cursor: from now on
    assert sse_events(fresh.content.decode()) == []


def test_asgi_view_streams_replay_then_live_event(street_officer):
    """The async view under an ASGI request streams: the replayed event first, then one published while the
    stream waits (on SQLite through the poll bus; on PostgreSQL the uncommitted row is found on the short
    heartbeat look)."""
    old = events.publish_on_commit("test.old", {"n": 1}, user_id=street_officer.pk)

    async def scenario():
        client = AsyncClient()
        await sync_to_async(client.force_login)(street_officer)
        response = await client.get(
            "/events/", headers={"accept": "text/event-stream", "last-event-id": str(old.pk - 1)}
        )
        assert response.status_code == 200 and response.streaming
        chunks = response.streaming_content
        try:
            assert b"retry:" in await asyncio.wait_for(anext(chunks), 5)
            assert (
                json.loads((await asyncio.wait_for(anext(chunks), 5)).split(b"data: ")[1])["topic"]
                == "test.old"
            )
            new = await sync_to_async(events.publish_on_commit)(
                "test.new", {"n": 2}, user_id=street_officer.pk
            )
            eventbus.hub().wake()  # what the bus does after a commit; the test transaction never commits
            chunk = await asyncio.wait_for(anext(chunks), 5)
            assert chunk.startswith(f"id: {new.pk}\n".encode())
        finally:
            await chunks.aclose()
            await response._iterator.aclose()

    async_to_sync(scenario)()


def test_stream_heartbeat_and_clean_end(street_officer):
    async def scenario():
        stream = events.stream(user=street_officer, after=0, topics=[], heartbeat=0.05)
        assert (await asyncio.wait_for(anext(stream), 5)).startswith("retry:")
        assert await asyncio.wait_for(anext(stream), 5) == ": heartbeat\n\n"
        hub = eventbus.hub()
        assert len(hub.waiters) == 1
        await stream.aclose()  # what the server does when the client goes
        assert hub.waiters == set() and hub.task is None

    async_to_sync(scenario)()


def test_one_table_read_per_wakeup_for_all_streams(street_officer, other_street_officer):
    """200 open streams must not mean 200 queries per event: the hub reads new rows once and each stream
    keeps what its user may read."""

    queries = CaptureQueriesContext(connections["default"])  # the test thread's connection

    async def scenario():
        mine = events.stream(user=street_officer, after=0, topics=[], heartbeat=5)
        theirs = events.stream(user=other_street_officer, after=0, topics=[], heartbeat=5)
        for stream in (mine, theirs):
            await asyncio.wait_for(anext(stream), 5)  # retry line
        waiting = [asyncio.ensure_future(anext(mine)), asyncio.ensure_future(anext(theirs))]
        await asyncio.sleep(0.05)  # both replayed nothing and wait
        await sync_to_async(queries.__enter__)()
        new = await sync_to_async(events.publish_on_commit)(
            "test.fan", {"n": 1}, region_code=TIANPING_COMMUNITY
        )
        eventbus.hub().wake()
        got = await asyncio.wait_for(waiting[0], 5)
        await asyncio.sleep(0.05)
        await sync_to_async(queries.__exit__)(None, None, None)
        assert got.startswith(f"id: {new.pk}\n")
        assert not waiting[1].done()  # the other street's officer got nothing
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and "core_event" in q["sql"]
        ]
        assert len(reads) == 1
        waiting[1].cancel()
        await asyncio.gather(waiting[1], return_exceptions=True)
        await mine.aclose()
        await theirs.aclose()

    async_to_sync(scenario)()


def test_a_stream_behind_the_hub_reads_the_table(street_officer):
    async def scenario():
        hub = eventbus.hub()
        waiter = hub.subscribe()
        try:
            first = await sync_to_async(events.publish_on_commit)(
                "test.a", {"n": 1}, user_id=street_officer.pk
            )
            assert [e.pk for e in await hub.rows_after(first.pk - 1)] == [first.pk]
            assert await hub.rows_after(first.pk - 2) is None  # before what the hub holds
        finally:
            hub.unsubscribe(waiter)

    async_to_sync(scenario)()


# ---------------------------------------------------------------- real buses


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


async def ready_hub():
    """A hub whose listener has connected (it wakes everyone once when it has)."""
    hub = eventbus.hub()
    waiter = hub.subscribe()
    await asyncio.wait_for(waiter.wait(), 5)
    waiter.clear()
    return hub, waiter


async def close_hub(hub, waiter):
    task = hub.task
    hub.unsubscribe(waiter)
    await asyncio.gather(task, return_exceptions=True)


def test_redis_publish_wakes_subscriber_within_a_second(settings, django_capture_on_commit_callbacks):
    url = "redis://127.0.0.1:6379/15"
    if not redis_reachable(url):
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (CI and the dev machine run it)")
    settings.REDIS_URL = url
    eventbus._redis_client = None

    def publish():  # in the test's thread, where its connection and on-commit capture live
        with django_capture_on_commit_callbacks(execute=True):
            events.publish_on_commit("test.redis", {"n": 1})

    async def scenario():
        hub, waiter = await ready_hub()
        assert hub.name == "redis"
        try:
            started = time.monotonic()
            await sync_to_async(publish)()
            await asyncio.wait_for(waiter.wait(), 1.0)
            return time.monotonic() - started
        finally:
            await close_hub(hub, waiter)

    try:
        assert async_to_sync(scenario)() < 1.0
    finally:
        eventbus._redis_client = None


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="LISTEN/NOTIFY needs PostgreSQL; run with DATABASE_URL=postgres://…",
)
def test_postgresql_notify_wakes_subscriber_within_a_second(transactional_db, street_officer):
    # transactional_db by name: the shared teardown hook then reloads the divisions the flush removed.

    async def scenario():
        hub, waiter = await ready_hub()
        assert hub.name == "postgresql"
        try:
            started = time.monotonic()
            event = await sync_to_async(events.publish_on_commit)(
                "test.pg", {"n": 1}, region_code=TIANPING_COMMUNITY
            )  # autocommit: committed at once, NOTIFY sent by on_commit
            await asyncio.wait_for(waiter.wait(), 1.0)
            elapsed = time.monotonic() - started
            rows = await sync_to_async(events.event_list)(user=street_officer, after=event.pk - 1)
            assert [e.pk for e in rows] == [event.pk]
            return elapsed
        finally:
            await close_hub(hub, waiter)

    assert async_to_sync(scenario)() < 1.0
