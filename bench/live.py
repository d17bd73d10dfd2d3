"""Live push measured as a watcher sees it: from the commit of an ingest to
the event in an SSE client's hands, at 1, 100 and 1,000 clients watching one
race; the database queries live makes per change; its memory per idle
client; and (in bench/board.py) from the commit to the race board's grid
redrawn in a real browser.

Arrival is the moment the ingest call returns to the bench: the poll is
committed (autocommit), and PostgreSQL sends the notification only then.
The clients are minimal HTTP/1.1 readers on raw sockets in the bench's own
event loop (chunked transfer decoding and a scan for `id:` lines, no JSON
parsing), so that a thousand of them cost the machine little beside live."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import psycopg

from tabsim.payloads import event_json

from .progress import Progress

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true", "with_will_pays": "true"}
STEP_S = 30  # race time between two polls: each lands in the same or the next bucket
WARMUP = 2  # polls before the measured ones, per client count


class SseClient:
    """One text/event-stream over a raw socket: records when each event id arrives."""

    def __init__(self, port: int, path: str):
        self.port, self.path = port, path
        self.seen: dict[str, float] = {}  # event id -> time.time() when its event was complete
        self.ready = asyncio.Event()  # the first event (hello) is in
        self.closed = False
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
        writer.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"live answered {head.splitlines()[0].decode()}")
            chunked = b"chunked" in head.lower()
            buf = b""
            while True:
                if chunked:
                    size = int((await reader.readuntil(b"\r\n")).strip() or b"0", 16)
                    if size == 0:
                        break
                    data = await reader.readexactly(size + 2)
                    buf += data[:-2]
                else:
                    data = await reader.read(65536)
                    if not data:
                        break
                    buf += data
                # Complete events end with a blank line; only their id lines matter here.
                end = buf.rfind(b"\n\n")
                if end < 0:
                    continue
                now = time.time()
                for line in buf[:end].split(b"\n"):
                    if line.startswith(b"id: "):
                        self.seen[line[4:].decode()] = now
                        self.ready.set()
                buf = buf[end + 2 :]
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed = True
            writer.close()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class Watch:
    clients: int
    delays: list[float] = field(default_factory=list)  # every client's delay, ms
    last: list[float] = field(default_factory=list)  # per change: its last client's delay, ms
    missed: int = 0
    queries_per_change: float = 0.0
    kb_per_idle_client: float = 0.0


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


async def watch(
    live, fetcher_url: str, admin_url: str, day, race, clients: int, polls: int, t0: float
) -> Watch:
    """`clients` streams on the race, then `polls` polls of it, each awaited
    by every client before the next (a watcher reacts to each)."""
    w = Watch(clients)
    base_rss = rss_kb(live.proc.pid)
    streams = [SseClient(live.port, f"/races/{race.race_id}") for _ in range(clients)]
    for s in streams:
        await s.start()
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in streams)), 60)
    await asyncio.sleep(0.5)  # let live settle its buffers
    w.kb_per_idle_client = max(0, rss_kb(live.proc.pid) - base_rss) / clients
    before: dict | None = None
    conn = await psycopg.AsyncConnection.connect(fetcher_url, autocommit=True)
    admin = await psycopg.AsyncConnection.connect(admin_url, autocommit=True)
    bar = Progress(f"live, {clients} client{'s' if clients > 1 else ''}", polls, " polls")
    try:
        for k in range(-WARMUP, polls):  # the first changes warm live's connections and plans
            t = t0 + (k + WARMUP) * STEP_S
            body = event_json(day, race, t, QUERY)
            await conn.execute(
                "SELECT raceday.ingest_event(%s, %s, to_timestamp(%s), '{}')", (race.race_id, body, t)
            )
            arrived = time.time()
            cur = await admin.execute(
                "SELECT max(id) FROM raceday.change_feed WHERE race_id = %s", (race.race_id,)
            )
            change = (await cur.fetchone())[0]
            key = f"{change}:2"  # the poll event of the change
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(key in s.seen for s in streams):
                await asyncio.sleep(0.002)
            got = [(s.seen[key] - arrived) * 1000 for s in streams if key in s.seen]
            if k < 0:
                if k == -1:
                    before = live.stats()  # queries are counted over the measured changes only
                continue
            w.missed += clients - len(got)
            w.delays += got
            if got:
                w.last.append(max(got))
            bar.update(k + 1, f"missed {w.missed}")
    finally:
        await conn.close()
        await admin.close()
        after = live.stats()
        for s in streams:
            await s.stop()
    bar.done(f"missed {w.missed}")
    changes = max(after["changes_fanned_out"] - before["changes_fanned_out"], 1)
    w.queries_per_change = (after["db_queries"] - before["db_queries"]) / changes
    return w


def board(live, admin_url: str, fetcher_url: str, day, race, polls: int, t0: float) -> list[float] | None:
    """Commit to the race board's grid redrawn, in headless Chromium: the
    board's own hook (window.raceday.lastApplied) says when the DOM showed
    each change. None when there is no browser on this machine."""
    import shutil

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return None
    from tests.harness import chromium

    delays: list[float] = []
    bar = Progress("live, race board in Chromium", polls, " polls")
    with (
        chromium() as driver,
        psycopg.connect(fetcher_url, autocommit=True) as conn,
        psycopg.connect(admin_url, autocommit=True) as admin,
    ):
        driver.get(f"{live.url}/#/race/{race.race_id}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not driver.execute_script(
            "return document.querySelector('[data-connection=\"live\"]') !== null "
            "&& window.raceday.loadedAt != null"
        ):
            time.sleep(0.05)
        for k in range(polls):
            t = t0 + k * STEP_S
            conn.execute(
                "SELECT raceday.ingest_event(%s, %s, to_timestamp(%s), '{}')",
                (race.race_id, event_json(day, race, t, QUERY), t),
            )
            arrived = time.time() * 1000
            change = admin.execute(
                "SELECT max(id) FROM raceday.change_feed WHERE race_id = %s", (race.race_id,)
            ).fetchone()[0]
            deadline = time.monotonic() + 10
            rendered = None
            while rendered is None and time.monotonic() < deadline:
                rendered = driver.execute_script(
                    "const a = window.raceday.lastApplied;"
                    "return a && a.id && a.id.split(':')[0] === arguments[0] ? a.renderedAt : null;",
                    str(change),
                )
                if rendered is None:
                    time.sleep(0.002)
            if rendered is not None:
                delays.append(rendered - arrived)
            bar.update(k + 1)
    bar.done()
    return delays
