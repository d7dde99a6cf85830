"""Live events: publish inside a write's transaction, read back scoped, stream as Server-Sent Events.

The ``Event`` table is the source of truth (notify-then-fetch): ``publish_on_commit`` writes a row in the
caller's transaction and, after commit, wakes the listeners through ``eventbus``; a stream then reads the rows
after the last id it sent that its user may read. A rolled-back write leaves neither row nor wake-up, a lost
wake-up delays an event by one heartbeat at most, and a reconnecting client replays from ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Iterable

from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.core import eventbus
from yanglao.core.models import Event, User

HEARTBEAT_SECONDS = 15.0
REPLAY_LIMIT = 500  # rows per look; a longer backlog follows on the next look
RETRY_MS = 3000
KEEP_DAYS = 7  # replay reaches back a week; older rows are purged nightly
ADVISORY_LOCK = 0x59_4C_45_56  # "YLEV": the event writers' queue on PostgreSQL
TOPIC = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
# An 11-digit run is a mobile number, 15 or 18 characters an identity number: personal data, never payload.
PERSONAL = re.compile(r"\d{11}|\d{17}[\dXx]")
SCALARS = (int, float, bool, type(None))


def _check_payload(value, depth: int = 0) -> None:
    if depth > 3:
        raise ValueError("event payload nests too deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("event payload keys must be strings")
            _check_payload(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_payload(item, depth + 1)
    elif isinstance(value, str):
        if len(value) > 64 or PERSONAL.search(value):
            raise ValueError("event payloads hold ids, counts and states only")
    elif not isinstance(value, SCALARS):
        raise ValueError(f"event payload cannot hold {type(value).__name__}")


def publish_on_commit(
    topic: str,
    payload: dict,
    *,
    region_code: str | None = None,
    organisation_id: int | None = None,
    user_id: int | None = None,
) -> Event:
    """Write the event in the caller's transaction and wake subscribers after commit.

    ``payload`` holds ids, counts and states only (checked: short strings, no digit runs that look like a
    phone or identity number). The scope fields say who receives it; none of them means system
    administrators only. Not idempotent: each call is one event.
    """
    if not TOPIC.match(topic) or len(topic) > 100:
        raise ValueError(f"bad event topic {topic!r}")
    _check_payload(payload)
    # In autocommit too, so the lock below lasts until the row is committed; inside the caller's transaction
    # no savepoint (two round trips that would protect nothing: a failed insert fails the caller's write).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            # Ids must become visible in order, or a reader past id 11 would never see a slower id 10: event
            # writers queue from here to their commit (publish last in a transaction). SQLite writers queue
            # anyway.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        event = Event.objects.create(
            topic=topic,
            payload=payload,
            region_code=region_code,
            organisation_id=organisation_id,
            user_id=user_id,
        )
    transaction.on_commit(lambda: eventbus.notify(event.pk))
    return event


def event_purge(*, now: dt.datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Delete events older than ``keep_days``: they are wake-ups and progress, not records (the audit log
    and the rows themselves are). Idempotent."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    qs = Event.objects.unscoped(reason="nightly purge of old events").filter(created_at__lt=cutoff)
    deleted, _ = qs.delete()
    return deleted


# ---------------------------------------------------------------- reads


def latest_id() -> int:
    """The newest event id (0 for none): where a fresh stream starts and what the poll bus watches."""
    found = (
        Event.objects.unscoped(reason="newest id for the event cursor")
        .order_by("-id")
        .values_list("id", flat=True)[:1]
    )
    return next(iter(found), 0)


def _close_connection() -> None:
    """Streams live long: give the connection back after each look instead of holding one per open stream
    (200 streams would be 200 PostgreSQL connections). Never inside a transaction (tests run in one)."""
    if not connection.in_atomic_block:
        connection.close()


def latest_id_closing() -> int:
    try:
        return latest_id()
    finally:
        _close_connection()


def rows_after(*, after: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    """Every event after id ``after``, unscoped, for the hub's fan-out: each stream then keeps only what its
    user may read (``visible``)."""
    try:
        qs = Event.objects.unscoped(reason="live fan-out, filtered per stream by events.visible")
        return list(qs.filter(id__gt=after).order_by("id")[:limit])
    finally:
        _close_connection()


def visible(user: User, event: Event, topics: Iterable[str] = ()) -> bool:
    """``Event.objects.for_user`` for one row already in memory (the live path); the two are tested to agree.
    ``user.scope_ranges()`` must have been loaded (it is cached on the instance)."""
    prefixes = [t for t in topics if t]
    if prefixes and not any(event.topic.startswith(prefix) for prefix in prefixes):
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or (event.user_id is not None and event.user_id == user.pk):
        return True
    if event.organisation_id is not None and event.organisation_id == user.organisation_id:
        return True
    code = event.region_code
    return bool(code) and any(lo <= code < hi for lo, hi in user.scope_ranges())


def event_list(
    *, user: User, after: int, topics: Iterable[str] = (), limit: int = REPLAY_LIMIT
) -> list[Event]:
    """Events after id ``after`` that ``user`` may read, oldest first, optionally only topics starting with
    one of ``topics``."""
    qs = Event.objects.for_user(user).filter(id__gt=after)
    prefixes = [t for t in topics if t]
    if prefixes:
        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(topic__startswith=prefix)
        qs = qs.filter(condition)
    return list(qs.order_by("id")[:limit])


def parse_topics(raw: str) -> list[str]:
    """``?topics=a,b``: up to ten prefixes of topic characters; anything else is dropped."""
    found = []
    for part in raw.split(",")[:10]:
        part = part.strip()
        if part and len(part) <= 100 and re.fullmatch(r"[a-z0-9_.]+", part):
            found.append(part)
    return found


def parse_cursor(raw: str | None) -> int | None:
    """A ``Last-Event-ID`` header or ``last_event_id`` parameter: a non-negative integer, else ignored."""
    if raw and raw.strip().isdigit() and len(raw.strip()) <= 18:
        return int(raw.strip())
    return None


# ---------------------------------------------------------------- Server-Sent Events


def format_event(event: Event) -> str:
    data = json.dumps(
        {"id": event.pk, "topic": event.topic, "payload": event.payload, "at": event.created_at.isoformat()},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return f"id: {event.pk}\nevent: message\ndata: {data}\n\n"


async def stream(
    *, user: User, after: int, topics: list[str], heartbeat: float = HEARTBEAT_SECONDS
) -> AsyncIterator[str]:
    """Replay what ``user`` may read after ``after``, then wait for wake-ups; a comment line every
    ``heartbeat`` seconds keeps proxies from closing an idle stream. Ends when the client goes (the server
    cancels the generator)."""
    hub = eventbus.hub()
    waiter = hub.subscribe()  # before the first look, so nothing published meanwhile is missed

    def replay(after: int) -> list[Event]:
        try:
            user.scope_ranges()  # loaded once, for ``visible``
            return event_list(user=user, after=after, topics=topics)
        finally:
            _close_connection()

    read = sync_to_async(replay)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        rows = await read(after)
        while True:
            for event in rows:
                after = event.pk
                yield format_event(event)
            if len(rows) < REPLAY_LIMIT:
                try:
                    await asyncio.wait_for(waiter.wait(), heartbeat)
                except TimeoutError:
                    hub.mark_dirty()  # a lost wake-up costs one heartbeat
                    yield ": heartbeat\n\n"
            waiter.clear()
            fresh = await hub.rows_after(after)
            if fresh is None or len(rows) == REPLAY_LIMIT:  # behind what the hub holds: read the table
                rows = await read(after)
            else:
                rows = [event for event in fresh if visible(user, event, topics)]
    finally:
        hub.unsubscribe(waiter)


def backlog(*, user: User, after: int, topics: list[str]) -> str:
    """The non-streaming answer for a WSGI server (tests, runserver): what is there now, then the client
    reconnects after ``retry`` with ``Last-Event-ID``. Production serves ``/events/`` from uvicorn."""
    return f"retry: {RETRY_MS}\n\n" + "".join(
        format_event(e) for e in event_list(user=user, after=after, topics=topics)
    )
