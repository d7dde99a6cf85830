"""Wake-up buses for live events: they say "there is something new", never what; the ``Event`` table says what.

The backend follows the configuration: Redis pub/sub when ``REDIS_URL`` is set, PostgreSQL LISTEN/NOTIFY when
the database is PostgreSQL, otherwise a short indexed poll of the table (SQLite). A process keeps one
listener per event loop (a ``Hub``) however many streams it serves, so 200 open streams cost one Redis
subscription or one PostgreSQL connection, not 200. After a wake-up the hub reads the new rows once, for all
its streams, and each stream keeps what its user may read (``events.visible``): one query per event, not one
per stream. A lost wake-up costs at most one heartbeat interval: a stream whose wait times out marks the hub
to look at the table again.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

CHANNEL = "yanglao_events"
POLL_SECONDS = 0.3  # one indexed read per process, not per stream; 0.5 s missed the 500 ms p99 target
RECONNECT_SECONDS = 2.0
RECENT = 2000  # events kept for streams that lag behind the newest; older ones are read from the table


def backend_name() -> str:
    if settings.REDIS_URL:
        return "redis"
    if connection.vendor == "postgresql":
        return "postgresql"
    return "poll"


# ---------------------------------------------------------------- publishing side (sync, after commit)

_redis_client = None


def notify(event_id: int) -> None:
    """Wake the listeners of every process. Called after commit; a failure is logged, never raised, since
    the row is committed and streams find it at their next look."""
    name = backend_name()
    try:
        if name == "redis":
            global _redis_client
            if _redis_client is None:
                import redis

                _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
            _redis_client.publish(CHANNEL, str(event_id))
        elif name == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(event_id)])
    except Exception:  # the wake-up is best effort; the table stays the truth
        log.warning("event %s: wake-up over %s failed", event_id, name, exc_info=True)


# ---------------------------------------------------------------- listening side (async, in the server)


class Hub:
    """One listener task for one event loop, waking every registered waiter. The task starts with the first
    waiter and stops with the last."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.waiters: set[asyncio.Event] = set()
        self.task: asyncio.Task | None = None
        self.recent: collections.deque = collections.deque(maxlen=RECENT)
        self.base: int | None = None  # every event with id > base is in ``recent``
        self.dirty = True
        self.lock = asyncio.Lock()

    def subscribe(self) -> asyncio.Event:
        waiter = asyncio.Event()
        self.waiters.add(waiter)
        if self.task is None or self.task.done():
            # Nobody listened until now, so what the hub holds may be stale: start afresh.
            self.recent.clear()
            self.base, self.dirty = None, True
            self.task = asyncio.get_running_loop().create_task(self._run(), name=f"eventbus-{self.name}")
        return waiter

    def unsubscribe(self, waiter: asyncio.Event) -> None:
        self.waiters.discard(waiter)
        if not self.waiters and self.task is not None:
            self.task.cancel()
            self.task = None

    def wake(self) -> None:
        self.dirty = True
        for waiter in self.waiters:
            waiter.set()

    def mark_dirty(self) -> None:
        self.dirty = True

    async def rows_after(self, after: int) -> list | None:
        """Every event with id > ``after`` (unscoped: the caller filters), read from the table at most once
        per wake-up for all streams; None when ``after`` lies before what the hub holds (the caller then reads
        the table itself)."""
        from yanglao.core import events

        async with self.lock:
            if self.base is None:
                self.base = after
            while self.dirty:
                self.dirty = False
                upto = self.recent[-1].pk if self.recent else self.base
                rows = await sync_to_async(events.rows_after)(after=upto)
                self.recent.extend(rows)
                if len(self.recent) == RECENT:  # the oldest may have been dropped
                    self.base = max(self.base, self.recent[0].pk - 1)
                self.dirty = self.dirty or len(rows) == events.REPLAY_LIMIT
        if after < self.base:
            return None
        return [event for event in self.recent if event.pk > after]

    async def _run(self) -> None:
        listen = {"redis": self._listen_redis, "postgresql": self._listen_postgresql}.get(
            self.name, self._poll
        )
        while True:
            try:
                await listen()
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken bus must not end the streams: wake them and reconnect
                log.warning("event bus %s lost; reconnecting", self.name, exc_info=True)
                self.wake()
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_redis(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            self.wake()  # anything published while (re)connecting
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self.wake()
        finally:
            await pubsub.aclose()
            await client.aclose()

    async def _listen_postgresql(self) -> None:
        import psycopg

        db = connection.settings_dict
        conn = await psycopg.AsyncConnection.connect(
            dbname=db["NAME"],
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            autocommit=True,
        )
        try:
            await conn.execute(f"LISTEN {CHANNEL}")
            self.wake()
            async for _notify in conn.notifies():
                self.wake()
        finally:
            await conn.close()

    async def _poll(self) -> None:
        from yanglao.core import events

        newest = sync_to_async(events.latest_id_closing)
        last = await newest()
        self.wake()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            current = await newest()
            if current != last:
                last = current
                self.wake()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (uvicorn runs one; tests may run several in turn)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.name != backend_name():
        found = _hubs[loop] = Hub(backend_name())
    return found
