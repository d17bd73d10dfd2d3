"""The fetcher's side of the database: claim, ingest, release. Nothing but
function calls, over a few autocommit connections that are re-opened with
back-off when the database goes away; a delivery waits (in memory) until it
is accepted, so a database restart loses nothing."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from .log import log
from .tab import FAILED_BODY_BYTES, failed_body_text


@dataclass
class Claim:
    target: str
    kind: str
    path: str
    query: dict[str, str]
    lease_until: datetime | None = None  # the lease's end, on the database's real clock


class Database:
    def __init__(self, url: str, connections: int, failed_body_bytes: int = FAILED_BODY_BYTES):
        self.url = url
        self.size = connections
        self.failed_body_bytes = failed_body_bytes  # of a body recorded as a failure, what is kept
        self._idle: asyncio.Queue[psycopg.AsyncConnection | None] = asyncio.Queue()
        self._open = 0  # connections opened and not closed since, for the metrics
        for _ in range(connections):
            self._idle.put_nowait(None)  # opened on first use

    async def _acquire(self) -> psycopg.AsyncConnection:
        conn = await self._idle.get()
        if conn is not None and conn.closed:  # closed under us (the server went)
            conn = None
            self._open -= 1
        delay = 0.2
        while conn is None:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, connect_timeout=5, application_name="raceday-fetcher"
                )
                self._open += 1
            except psycopg.OperationalError as err:
                log(
                    "warning",
                    "db_unavailable",
                    error=str(err).strip().splitlines()[0],
                    retry_in_s=round(delay, 2),
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0) * random.uniform(0.8, 1.2)
        return conn

    async def _session(self, conn: psycopg.AsyncConnection) -> None:
        """Runs before each statement on its connection: nothing here; a
        replay sets the session's schedule clock (tabsim.replay)."""

    async def call(self, sql: str, params: tuple, retry: bool = True):
        """Runs one statement; on a lost connection reconnects and runs it again
        (retry=True) or raises. Errors of the statement itself are raised."""
        while True:
            conn = await self._acquire()
            try:
                await self._session(conn)
                cur = await conn.execute(sql, params)
                rows = await cur.fetchall() if cur.description else []
                self._idle.put_nowait(conn)
                return rows
            except psycopg.OperationalError as err:
                if not (conn.broken or conn.closed):
                    # The statement failed on a live connection (psycopg
                    # counts class 54, e.g. "stack depth limit exceeded",
                    # as operational): running it again fails again.
                    self._idle.put_nowait(conn)
                    raise
                await conn.close()
                self._open -= 1
                self._idle.put_nowait(None)
                if not retry:
                    raise
                log("warning", "db_lost", error=str(err).strip().splitlines()[0])
                await asyncio.sleep(0.2)
            except BaseException:
                self._idle.put_nowait(conn)
                raise

    async def claim(self, worker: str, max_polls: int) -> list[Claim]:
        rows = await self.call(
            "SELECT target, kind, path, query, lease_until FROM raceday.claim_due_polls(%s, %s)",
            (worker, max_polls),
            retry=False,
        )
        return [Claim(*row) for row in rows]

    async def ingest(
        self, claim: Claim, body: bytes, received_at: datetime, meta: dict
    ) -> tuple[int, str | None]:
        """Hands a 2xx body over; returns (staging id, None), or records the
        body as a failure when it is not JSON and returns (id, why)."""
        text = body.decode("utf-8", errors="replace")
        try:
            if claim.kind == "event":
                rows = await self.call(
                    "SELECT raceday.ingest_event(%s, %s::text, %s, %s)",
                    (claim.target, text, received_at, Jsonb(meta)),
                )
            else:
                rows = await self.call(
                    "SELECT raceday.ingest_meetings(%s::text, %s, %s)",
                    (text, received_at, Jsonb({**meta, "target": claim.target})),
                )
            return rows[0][0], None
        # Bodies jsonb cannot hold are kept as text too: not JSON at all, a
        # \u0000 escape, a number beyond numeric, or nesting deeper than the
        # server's JSON parser goes (stack depth, SQLSTATE 54001).
        except (
            psycopg.errors.InvalidTextRepresentation,
            psycopg.errors.UntranslatableCharacter,
            psycopg.DataError,
            psycopg.errors.StatementTooComplex,
        ) as err:
            why = f"invalid JSON: {str(err).strip().splitlines()[0]}"
            del text  # a body near the cap: not in memory twice more
            staging_id = await self.failure(
                claim,
                received_at,
                {
                    "bytes": len(body),
                    **meta,
                    "error": why,
                    "body": failed_body_text(body, self.failed_body_bytes),
                },
            )
            return staging_id, why

    async def failure(self, claim: Claim, received_at: datetime, meta: dict) -> int:
        rows = await self.call(
            "SELECT raceday.ingest_failure(%s, %s, %s, %s)",
            (claim.kind, claim.target, received_at, Jsonb(meta)),
        )
        return rows[0][0]

    async def release(self, worker: str) -> int:
        rows = await self.call("SELECT raceday.release_polls(%s)", (worker,))
        return rows[0][0]

    def pool_use(self) -> tuple[int, int, int]:
        """Connections (in use, idle and open, not open), for the metrics.
        Read from the metrics thread: two integers, each read whole."""
        in_use = self.size - self._idle.qsize()
        return in_use, max(self._open - in_use, 0), self.size - self._open

    async def close(self) -> None:
        while not self._idle.empty():
            conn = self._idle.get_nowait()
            if conn is not None:
                await conn.close()
