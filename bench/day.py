"""A simulated racing day at full speed, twice.

1. The real path: the database's schedule says what is due, the simulator
   answers over HTTP (its clock standing at that instant), the fetcher's own
   client code fetches it and its database layer hands it over. The clock
   jumps to the next due poll as soon as the last one is in, so the day
   takes as long as the pipeline needs (tabsim.replay, delivering over HTTP).
2. The database alone: every stored response is set aside, the data emptied,
   and the responses ingested again in their order, no HTTP and no Python
   work in between: what PostgreSQL itself sustains."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import psycopg

from fetcher.db import Database
from fetcher.tab import fetch
from tabsim.replay import Replay, replay
from .polls import Timings, transform_counter
from .progress import Progress
from .tabserver import TabServer

DATA_TABLES = "raceday.meetings, raceday.poll_targets, staging.raw_responses"


@dataclass
class DayResult:
    polls: int = 0
    failures: int = 0
    seconds: float = 0.0
    history_rows: int = 0
    timings: Timings = field(default_factory=Timings)
    staging_bytes: int = 0
    received_bytes: int = 0
    by_status: dict = field(default_factory=dict)


def history_rows(admin: psycopg.Connection) -> int:
    return admin.execute("SELECT (SELECT count(*) FROM raceday.money_flow_history) "
                         "+ (SELECT count(*) FROM raceday.odds_history)").fetchone()[0]


def staging_bytes(admin: psycopg.Connection) -> int:
    """Everything staging.raw_responses takes on disk: heap, TOAST, indexes."""
    return admin.execute("SELECT pg_total_relation_size('staging.raw_responses')").fetchone()[0]


def real_path(admin_url: str, fetcher_url: str, server: TabServer, start: float, until: float,
              connections: int) -> DayResult:
    result = DayResult()

    async def run() -> Replay:
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=connections)) as client:
            # As many polls in flight as there are connections, like a fetcher
            # whose concurrency matches its pool: without the bound every due
            # poll would fetch at once and each figure would be mostly queueing.
            slots = asyncio.Semaphore(connections)

            async def deliver(db: Database, _sim, claim, t: float, stats: Replay) -> None:
                async with slots:
                    server.set(t)
                    query = {k: str(v) for k, v in claim.query.items()}
                    attempt = await fetch(client, server.base_url + claim.path, query, 1, 0.0, 0.0, _noop)
                    received = datetime.fromtimestamp(t, UTC)
                    began = time.perf_counter()
                    stats.polls += 1
                    stats.by_status[str(attempt.status)] = stats.by_status.get(str(attempt.status), 0) + 1
                    if attempt.ok:
                        _, error = await db.ingest(claim, attempt.body, received, attempt.meta("bench", True))
                    else:
                        error = attempt.error
                        await db.failure(claim, received, attempt.failure_meta("bench", True))
                    stats.failures += error is not None
                    ingest_ms = (time.perf_counter() - began) * 1000
                    result.timings.fetch.append(attempt.fetch_ms)
                    result.timings.ingest.append(ingest_ms)
                    result.timings.total.append(attempt.fetch_ms + ingest_ms)
                    result.received_bytes += len(attempt.body)

            stats = Replay(first=start)
            bar = Progress("day, real path", until - start, " s of racing")
            await replay(admin_url, fetcher_url, server.sim, start, until,
                         lambda t: bar.update(t - start, f"{stats.polls:,} polls"), connections, stats, deliver)
            bar.done(f"{stats.polls:,} polls")
            return stats

    with psycopg.connect(admin_url, autocommit=True) as admin:
        rows0 = history_rows(admin)
        stats = asyncio.run(run())
        result.history_rows = history_rows(admin) - rows0
        result.staging_bytes = staging_bytes(admin)
    result.polls, result.failures, result.seconds, result.by_status = (stats.polls, stats.failures, stats.seconds,
                                                                       stats.by_status)
    return result


async def _noop(_attempt) -> None:
    return None


def database_alone(admin_url: str, connections: int) -> DayResult:
    """Ingests again, in the same order and at the same virtual instants,
    every response the real path stored; each poll in its own transaction,
    timed as in bench.polls (its quarantine checked outside the timing).
    The responses are set aside as text, as the fetcher hands them over."""
    result = DayResult()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS public.bench_held")
        admin.execute("""CREATE UNLOGGED TABLE public.bench_held AS
            SELECT id, kind, target, body::text AS body, received_at,
                   jsonb_build_object('url', url, 'http_status', http_status, 'attempt', attempt,
                                      'worker', 'bench', 'bytes', body_bytes, 'final', true, 'target', target) AS meta
            FROM staging.raw_responses WHERE body IS NOT NULL""")
        admin.execute("ALTER TABLE public.bench_held ADD PRIMARY KEY (id)")
        groups = admin.execute("""SELECT received_at, array_agg(id ORDER BY id), array_agg(kind ORDER BY id)
                                  FROM public.bench_held GROUP BY received_at ORDER BY received_at""").fetchall()
        admin.execute(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE")
        admin.execute("VACUUM ANALYZE")
        total = sum(len(ids) for _, ids, _ in groups)

        async def run() -> None:
            conns = [await psycopg.AsyncConnection.connect(admin_url, application_name="raceday-bench")
                     for _ in range(connections)]
            queue: asyncio.Queue = asyncio.Queue()
            bar = Progress("day, database alone", total, " polls")
            try:
                for at, ids, kinds in groups:
                    admin.execute("UPDATE raceday.settings SET clock_virtual = %s, clock_real = now(), "
                                  "clock_speed = 1e-9", (at,))
                    for item in zip(ids, kinds):
                        queue.put_nowait(item)
                    await asyncio.gather(*(_drain(conn, queue, result) for conn in conns))
                    bar.update(result.polls, f"failed {result.failures}")
            finally:
                for conn in conns:
                    await conn.close()
            bar.done(f"failed {result.failures}")

        began = time.perf_counter()
        asyncio.run(run())
        result.seconds = time.perf_counter() - began
        result.history_rows = history_rows(admin)
        admin.execute("DROP TABLE public.bench_held")
        admin.execute("UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1")
    return result


async def _drain(conn: psycopg.AsyncConnection, queue: asyncio.Queue, result: DayResult) -> None:
    """One connection's share of the polls due at one instant (one per target, so any order is safe)."""
    t = result.timings
    while not queue.empty():
        staging_id, kind = queue.get_nowait()
        call = ("raceday.ingest_event(h.target, h.body, h.received_at, h.meta)" if kind == "event" else
                "raceday.ingest_meetings(h.body, h.received_at, h.meta)")
        try:
            before = await transform_counter(conn)
            t0 = time.perf_counter()
            cur = await conn.execute(f"SELECT {call} FROM public.bench_held h WHERE h.id = %s", (staging_id,))
            (new_id,) = await cur.fetchone()
            t1 = time.perf_counter()
            transform_ms = await transform_counter(conn) - before
            cur = await conn.execute("SELECT transform_error FROM staging.raw_responses WHERE id = %s", (new_id,))
            (error,) = await cur.fetchone()
            t2 = time.perf_counter()
            await conn.commit()
            t3 = time.perf_counter()
        except psycopg.Error:
            await conn.rollback()
            result.failures += 1
            continue
        result.polls += 1
        result.failures += error is not None
        t.transform.append(transform_ms)
        t.ingest.append((t1 - t0) * 1000 - transform_ms)
        t.commit.append((t3 - t2) * 1000)
        t.total.append((t1 - t0 + t3 - t2) * 1000)
