"""The hub: the one LISTEN connection, and the fan-out of each change to the
clients that watch it.

Database work per change does not grow with the watchers: a notification
for a watched race runs one api.race_feed query from the race's cursor
(however many clients watch it), each event is encoded to bytes once, and the
same bytes go into every subscriber's bounded queue. A race nobody watches
costs no query. /upcoming is one more feed, read with api.day_feed.

A subscriber whose queue is full is too slow: it is dropped, so it never
delays the others nor holds memory. When the listening connection is lost,
notifications are lost with it; on reconnecting, every feed reads what it
missed from its cursor, then every client is told `resync`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from typing import NamedTuple

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from . import errors, sse
from .config import Config
from .log import log

CHANNEL = "raceday_changes"
# Changes per feed query (the functions' default); a full batch means read on.
BATCH = 500
# Waiting longer for a pooled connection only queues more work behind it.
POOL_TIMEOUT_S = 10
# Reconnecting: clients wait for their streams to resume, and an attempt is cheap.
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 2.0

Event = tuple[sse.Key, bytes]


class Item(NamedTuple):
    """What a subscriber's queue holds: the events of one read of its feed
    (one change, or a batch of them when catching up), joined once for all
    subscribers; or, without events, a heartbeat, a resync or the end.
    A read is one item whatever its number of events, so the queue's bound
    counts deliveries a client has not taken, not the parts of a change."""

    data: bytes
    events: tuple[Event, ...] = ()


CLOSE = Item(b"")  # the stream ends (shutdown)
HEARTBEAT = Item(sse.HEARTBEAT)

_RACE_FEED = "SELECT change_id, part, event, data::text FROM api.race_feed(%s, %s, %s)"
_DAY_FEED = "SELECT change_id, part, event, data::text FROM api.day_feed(%s, %s)"
_RACE_CURSOR = "SELECT api.feed_cursor(%s), EXISTS (SELECT FROM api.races WHERE race_id = %s)"
_DAY_CURSOR = "SELECT api.feed_cursor(NULL), true"


@dataclass
class Stats:
    """Counters of /stats, for benchmarks and tests."""

    connections: int = 0  # streams open now
    clients_dropped: int = 0  # streams ended for being too slow
    events_sent: int = 0  # events written to clients (not heartbeats)
    db_queries: int = 0  # feed queries: fan-out, replays, a new feed's cursor
    notifications: int = 0  # received on the channel
    changes_fanned_out: int = 0  # changes read by the fan-out and queued for a feed's subscribers

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Feed:
    """A race's stream (race_id None: the day's) and who watches it."""

    def __init__(self, race_id: str | None) -> None:
        self.race_id = race_id
        # The last change queued for the subscribers: api.feed_cursor when the
        # feed was made, then advanced by the fan-out. None until then.
        self.cursor: int | None = None
        self.subscribers: set[Subscriber] = set()
        self.lock = asyncio.Lock()  # one read at a time, so events are queued in order
        self.ready: asyncio.Task | None = None
        self.dirty = False  # notified since the fan-out last read
        self.wanted = 0  # the highest change id notified
        self.notified_at: float | None = None  # the earliest notification not yet fanned out (monotonic)
        self.worker: asyncio.Task | None = None


class Subscriber:
    """One client's stream: a bounded queue that the hub fills and the
    client's writer drains."""

    def __init__(self, feed: Feed, path: str, size: int) -> None:
        self.feed = feed
        self.path = path
        self.queue: asyncio.Queue[Item] = asyncio.Queue(size)
        # While the writer replays from the database nothing drains the queue:
        # a full queue then means "read the database again", not "too slow".
        self.replaying = True
        self.overflowed = False
        self.writer: asyncio.Task | None = None
        self.dropped = False
        self.sent = 0  # events written to this client


class Hub:
    def __init__(self, config: Config, on_ready: Callable[[], None] | None = None) -> None:
        self.config = config
        self.on_ready = on_ready
        self.stats = Stats()
        self.feeds: dict[str | None, Feed] = {}
        self.listening = False
        self.closing = False
        # Seconds from a notification to its events queued for every watcher (live/metrics.py).
        self.on_fanout: Callable[[float], None] = lambda _seconds: None
        self._set_role = sql.SQL("SET ROLE {}").format(sql.Identifier(config.db_role))
        self.pool = AsyncConnectionPool(
            config.database_url,
            min_size=config.db_pool,
            max_size=config.db_pool,
            open=False,
            name="live",
            kwargs={"autocommit": True, "application_name": "raceday-live"},
            configure=self._configure,
            # A restart of the database breaks every pooled connection: each is
            # checked when taken, and a broken one replaced, not handed out.
            check=AsyncConnectionPool.check_connection,
        )
        self._tasks: list[asyncio.Task] = []

    async def _configure(self, conn: psycopg.AsyncConnection) -> None:
        await conn.execute(self._set_role)

    # -- lifecycle -----------------------------------------------------------
    async def start(self) -> None:
        """Returns at once: the listener waits for the database on its own."""
        await self.pool.open(wait=False)
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._heartbeat())]

    async def end_streams(self, grace_s: float = 2.0) -> None:
        """Ends every stream: its writer sends what it has queued and the last
        chunk; one that cannot take it within grace_s is cut."""
        self.closing = True
        subscribers = [sub for feed in self.feeds.values() for sub in feed.subscribers]
        for sub in subscribers:
            try:
                sub.queue.put_nowait(CLOSE)
            except asyncio.QueueFull:
                if sub.writer:
                    sub.writer.cancel()
        writers = [sub.writer for sub in subscribers if sub.writer]
        if writers:
            _, late = await asyncio.wait(writers, timeout=grace_s)
            for task in late:
                task.cancel()

    async def close(self) -> None:
        self.closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.listening = False
        await self.pool.close()

    # -- subscribers ---------------------------------------------------------
    async def subscribe(self, race_id: str | None, path: str) -> Subscriber:
        """Subscribes before anything is read for the client, so no change
        falls between its replay and the fan-out. Raises ApiError 404 for an
        unknown race, psycopg errors when the database fails."""
        feed = self.feeds.get(race_id)
        if feed is None:
            feed = self.feeds[race_id] = Feed(race_id)
            feed.ready = asyncio.create_task(self._init(feed))
            # Its failure is each waiting subscriber's; none may be left to see it.
            feed.ready.add_done_callback(lambda task: task.cancelled() or task.exception())
        sub = Subscriber(feed, path, self.config.client_queue)
        feed.subscribers.add(sub)
        try:
            assert feed.ready is not None
            await asyncio.shield(feed.ready)
        except BaseException:
            self.unsubscribe(sub)
            raise
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        feed = sub.feed
        feed.subscribers.discard(sub)
        if not feed.subscribers and self.feeds.get(feed.race_id) is feed:
            del self.feeds[feed.race_id]  # unwatched: its notifications cost nothing now

    async def _init(self, feed: Feed) -> None:
        """The feed's starting cursor, taken after the feed is registered: a
        change committed later is notified to it, one before is in a replay."""
        try:
            async with feed.lock:
                self.stats.db_queries += 1
                async with self.pool.connection(timeout=POOL_TIMEOUT_S) as conn:
                    if feed.race_id is None:
                        cur = await conn.execute(_DAY_CURSOR)
                    else:
                        cur = await conn.execute(_RACE_CURSOR, (feed.race_id, feed.race_id))
                    row = await cur.fetchone()
                assert row is not None
                cursor, exists = row
                if not exists:
                    raise errors.race_not_found(feed.race_id)
                feed.cursor = cursor
        except BaseException:
            if self.feeds.get(feed.race_id) is feed:
                del self.feeds[feed.race_id]
            raise

    def _offer(self, sub: Subscriber, item: Item) -> None:
        """Queues an item for one client without ever waiting: one that has
        no room is dropped."""
        try:
            sub.queue.put_nowait(item)
        except asyncio.QueueFull:
            if sub.replaying:
                sub.overflowed = True
            else:
                self._drop(sub)

    def _drop(self, sub: Subscriber) -> None:
        sub.dropped = True
        self.unsubscribe(sub)
        self.stats.clients_dropped += 1
        log("warning", "client_dropped", reason="slow", path=sub.path, queued=sub.queue.qsize())
        if sub.writer:
            sub.writer.cancel()

    def _broadcast(self, item: Item) -> None:
        for feed in list(self.feeds.values()):
            for sub in list(feed.subscribers):
                if not sub.replaying or item is not HEARTBEAT:
                    self._offer(sub, item)

    # -- reading the feeds ---------------------------------------------------
    async def events(self, race_id: str | None, after: int) -> AsyncIterator[tuple[list[Event], int]]:
        """A feed's events after change `after`, encoded, a batch at a time,
        with the number of changes in the batch, until a batch is not full."""
        while True:
            self.stats.db_queries += 1
            async with self.pool.connection(timeout=POOL_TIMEOUT_S) as conn:
                if race_id is None:
                    cur = await conn.execute(_DAY_FEED, (after, BATCH))
                else:
                    cur = await conn.execute(_RACE_FEED, (race_id, after, BATCH))
                rows = await cur.fetchall()
            if not rows:
                return
            batch = [((c, p), sse.feed_event((c, p), name, data)) for c, p, name, data in rows]
            changes = len({c for c, _, _, _ in rows})
            yield batch, changes
            if changes < BATCH:
                return
            after = rows[-1][0]

    def _poke(self, feed: Feed, change_id: int) -> None:
        """A change was notified: read the feed unless that change was read
        already; one worker per feed, so notifications arriving while it
        reads cost one more read, not one each."""
        if feed.cursor is not None and change_id <= feed.cursor:
            return
        feed.wanted = max(feed.wanted, change_id)
        feed.dirty = True
        if feed.notified_at is None:
            feed.notified_at = time.monotonic()
        if feed.worker is None or feed.worker.done():
            feed.worker = asyncio.create_task(self._fan_out(feed))

    async def _fan_out(self, feed: Feed) -> None:
        while feed.dirty and self.feeds.get(feed.race_id) is feed:
            feed.dirty = False
            since, feed.notified_at = feed.notified_at, None
            try:
                await self._deliver(feed)
            except psycopg.Error as exc:
                # Read again on the next notification, or after a reconnect:
                # the cursor did not move, so nothing is lost.
                log("warning", "fanout_failed", race_id=feed.race_id, error=_first_line(exc))
                if since is not None and (feed.notified_at is None or since < feed.notified_at):
                    feed.notified_at = since  # still owed: measured when a read succeeds
                return
            if since is not None:
                self.on_fanout(time.monotonic() - since)
            # Changes notified during the read that it returned need no other.
            if feed.cursor is not None and feed.wanted <= feed.cursor:
                feed.dirty = False
                if feed.notified_at is not None:
                    self.on_fanout(time.monotonic() - feed.notified_at)
                    feed.notified_at = None

    async def _deliver(self, feed: Feed) -> None:
        """Reads the feed from its cursor and queues each event, encoded once,
        for every subscriber."""
        async with feed.lock:
            if feed.cursor is None:  # its initialisation failed
                return
            async for batch, changes in self.events(feed.race_id, feed.cursor):
                item = Item(b"".join(payload for _, payload in batch), tuple(batch))
                for sub in list(feed.subscribers):
                    self._offer(sub, item)
                feed.cursor = batch[-1][0][0]
                self.stats.changes_fanned_out += changes

    def _on_notify(self, payload: str) -> None:
        self.stats.notifications += 1
        try:
            note = json.loads(payload)
            change_id, race_id, day = int(note["id"]), note.get("race_id"), note.get("day") is True
        except (ValueError, KeyError, TypeError):
            log("warning", "notification_ignored", payload=payload[:200])
            return
        if race_id is None:
            # A meetings list changed several races (their ids are not in
            # the payload): each watched race not yet past this id reads.
            for feed in list(self.feeds.values()):
                if feed.race_id is not None:
                    self._poke(feed, change_id)
        elif (feed := self.feeds.get(race_id)) is not None:
            self._poke(feed, change_id)
        if day and (feed := self.feeds.get(None)) is not None:
            self._poke(feed, change_id)

    # -- the listening connection ---------------------------------------------
    async def _listen(self) -> None:
        """Listens for good: a lost connection is retried with back-off, and
        what was missed meanwhile is read from every feed's cursor."""
        delay = RETRY_FIRST_S
        lost = False  # an outage is under way (logged once)
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.config.database_url,
                    autocommit=True,
                    application_name="raceday-live-listener",
                    connect_timeout=5,
                    # A peer that vanished without closing is noticed in about 25 s.
                    keepalives=1,
                    keepalives_idle=10,
                    keepalives_interval=5,
                    keepalives_count=3,
                ) as conn:
                    await conn.execute(self._set_role)
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if lost:
                        # The pool's connections died with the server: replace
                        # them now, not one checkout at a time (psycopg_pool
                        # waits 1, 2, 4 s... between failed checks).
                        await self.pool.check()
                        # Listening already: a change committed from now on is
                        # notified, one before it is in what the feeds read now.
                        await self._catch_up()
                        self._broadcast(Item(sse.resync("database connection restored")))
                        log("info", "database_reconnected")
                    lost, delay = False, RETRY_FIRST_S
                    self.listening = True
                    if first:
                        first = False
                        if self.on_ready:
                            self.on_ready()
                    async for note in conn.notifies():
                        self._on_notify(note.payload)
            except Exception as exc:  # whatever broke it, listening must resume
                self.listening = False
                if not isinstance(exc, psycopg.Error):
                    log("error", "listener_failed", error=repr(exc)[:200])
                elif not lost:
                    log("warning", "database_unavailable", error=_first_line(exc), retry_in_s=delay)
                lost = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    async def _catch_up(self) -> None:
        """Reads every feed from its cursor. A connection failure raises (the
        listener retries); another failure of one feed is logged and skipped."""

        async def one(feed: Feed) -> None:
            try:
                await self._deliver(feed)
            except psycopg.OperationalError:
                raise
            except psycopg.Error as exc:
                log("warning", "fanout_failed", race_id=feed.race_id, error=_first_line(exc))

        results = await asyncio.gather(*(one(f) for f in list(self.feeds.values())), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _heartbeat(self) -> None:
        """One timer for every stream. A heartbeat is queued like an event,
        so a client that stopped reading is found slow even when idle."""
        while True:
            await asyncio.sleep(self.config.heartbeat_s)
            self._broadcast(HEARTBEAT)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
