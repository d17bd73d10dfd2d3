"""A simulated racing day at full speed, twice.

1. The real path: the database's schedule says what is due, the simulator
   answers over HTTP for the poll's instant, the fetcher's own client code
   fetches it and its database layer hands it over, up to the fetcher's ten
   polls in flight. The clock jumps to the next due poll as soon as no poll
   in flight can fall due before it, so the day takes as long as the
   pipeline needs (tabsim.replay with overlap, delivering over HTTP).
2. The database alone: every stored response is set aside, the data emptied,
   and the responses ingested again, races side by side and each race's
   polls in order, no HTTP and no Python work in between: what PostgreSQL
   itself sustains.
3. The floor: the same responses, the same way, each only parsed, given its
   repeat key and stored, then committed: what any poll costs before its
   transform, whatever the transform does."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import psycopg
from psycopg.types.json import Jsonb

from fetcher.config import Config
from fetcher.db import Database
from fetcher.tab import fetch
from tabsim.clock import freeze_database_clock, real_database_clock
from tabsim.replay import Replay, replay
from tests.harness import empty_database

from .polls import Timings, timed_ingest
from .progress import Progress
from .tabserver import TabServer


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
    return admin.execute(
        "SELECT (SELECT count(*) FROM raceday.money_flow_history) "
        "+ (SELECT count(*) FROM raceday.odds_history)"
    ).fetchone()[0]


def staging_bytes(admin: psycopg.Connection) -> int:
    """Everything staging.raw_responses takes on disk: heap, TOAST, indexes."""
    return admin.execute("SELECT pg_total_relation_size('staging.raw_responses')").fetchone()[0]


def real_path(
    admin_url: str, fetcher_url: str, server: TabServer, start: float, until: float, connections: int
) -> DayResult:
    result = DayResult()

    async def run() -> Replay:
        limits = httpx.Limits(max_connections=FETCHES, max_keepalive_connections=FETCHES)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            # As the fetcher runs: up to its concurrency of polls fetching at
            # once, their ingests over `connections` database connections (the
            # fetcher's pool), so one poll's fetch overlaps another's ingest.
            slots = asyncio.Semaphore(FETCHES)

            async def deliver(db: Database, _sim, claim, t: float, stats: Replay) -> None:
                async with slots:
                    # Polls of several instants are in flight at once: each asks for its own.
                    query = {k: str(v) for k, v in claim.query.items()} | {"tabsim_at": repr(t)}
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
                    # With the wait for one of the pool's connections.
                    ingest_ms = (time.perf_counter() - began) * 1000
                    result.timings.fetch.append(attempt.fetch_ms)
                    result.timings.ingest.append(ingest_ms)
                    result.timings.total.append(attempt.fetch_ms + ingest_ms)
                    result.received_bytes += len(attempt.body)

            stats = Replay(first=start)
            bar = Progress("day, real path", until - start, " s of racing")
            await replay(
                admin_url,
                fetcher_url,
                server.sim,
                start,
                until,
                lambda t: bar.update(t - start, f"{stats.polls:,} polls"),
                connections,
                stats,
                deliver,
                overlap=True,
            )
            bar.done(f"{stats.polls:,} polls")
            return stats

    with psycopg.connect(admin_url, autocommit=True) as admin:
        rows0 = history_rows(admin)
        stats = asyncio.run(run())
        result.history_rows = history_rows(admin) - rows0
        result.staging_bytes = staging_bytes(admin)
    result.polls, result.failures, result.seconds, result.by_status = (
        stats.polls,
        stats.failures,
        stats.seconds,
        stats.by_status,
    )
    return result


# The fetcher's own default concurrency (FETCHER_CONCURRENCY).
FETCHES = Config.model_fields["concurrency"].default


async def _noop(_attempt) -> None:
    return None


# The floor's store: raceday.store_response's row (less its clock skew, a few
# scalar steps) into a copy of staging.raw_responses: the same columns,
# indexes, constraints and lz4 TOAST. tests/test_bench_floor.py holds the two
# rows equal.
FLOOR_SETUP = """
CREATE TABLE public.bench_floor (LIKE staging.raw_responses INCLUDING ALL);
CREATE FUNCTION public.bench_floor_store(p_kind text, p_target text, p_text text, p_received_at timestamptz,
                                         p_meta jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb := p_text::jsonb;
    generated text := doc #>> '{header,generated_time}';
    stored bigint;
BEGIN
    INSERT INTO public.bench_floor AS r (kind, target, url, http_status, attempt, worker, received_at,
                                         last_received_at, generated_at, body, body_bytes, content_hash)
    VALUES (p_kind, p_target, p_meta ->> 'url', coalesce((p_meta ->> 'http_status')::integer, 200),
            coalesce((p_meta ->> 'attempt')::integer, 1), p_meta ->> 'worker', p_received_at, p_received_at,
            CASE WHEN pg_input_is_valid(generated, 'timestamptz') THEN generated::timestamptz END,
            p_text, coalesce((p_meta ->> 'bytes')::integer, octet_length(p_text)),
            staging.content_hash(p_text, generated))
    ON CONFLICT (target, content_hash) DO UPDATE SET seen_count = r.seen_count + 1
    RETURNING r.id INTO stored;
    RETURN stored;
END
$$;
"""
FLOOR_DROP = "DROP FUNCTION IF EXISTS public.bench_floor_store; DROP TABLE IF EXISTS public.bench_floor"


def database_alone(admin_url: str, connections: int) -> tuple[DayResult, DayResult]:
    """Ingests again every response the real path stored, as fast as the
    database takes them: the meetings pages first, then the races spread
    over the connections, each race's polls in their order (money flow
    compares a poll with the race's earlier ones; races are independent),
    as several fetchers would. Each body is read back (a few polls ahead, on
    a connection of its own) and handed over as text, as the fetcher hands
    it over; each poll is its own transaction, timed as in bench.polls
    (quarantined polls are counted as failed once the day is in).
    This is the capacity of the database; the real path's rate is bound by
    the schedule as well (how many polls fall due at one instant).

    Then the floor, over the same responses in the same order and
    connections: each parsed as jsonb, given its repeat key
    (staging.content_hash) and stored in a copy of staging, then committed.
    Returns (the day again, its floor)."""
    result = DayResult()
    floor = DayResult()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS public.bench_held")
        admin.execute("""CREATE UNLOGGED TABLE public.bench_held AS
            SELECT id, kind, target, body, received_at,
                   jsonb_build_object('url', url, 'http_status', http_status, 'attempt', attempt,
                                      'worker', 'bench', 'bytes', body_bytes, 'final', true, 'target', target) AS meta
            FROM staging.raw_responses WHERE body IS NOT NULL""")
        admin.execute("ALTER TABLE public.bench_held ADD PRIMARY KEY (id)")
        work = admin.execute("""SELECT kind = 'event', array_agg(id ORDER BY received_at, id)
                                FROM public.bench_held GROUP BY kind, CASE WHEN kind = 'event' THEN target END
                                ORDER BY 1, min(received_at)""").fetchall()
        meetings = [ids for is_event, ids in work if not is_event]
        races = [ids for is_event, ids in work if is_event]
        (end,) = admin.execute(
            "SELECT extract(epoch FROM max(received_at)) FROM public.bench_held"
        ).fetchone()
        empty_database(admin)
        # The schedule's clock stands at the end of the day: ingest reschedules
        # each target, which the figures do not depend on.
        freeze_database_clock(admin, float(end))
        # No ANALYZE of the emptied tables: it would record the day's
        # partitions as empty, and every lookup of a runner's last odds or
        # money would then scan the growing partition (cached generic plans)
        # until autovacuum analyzed it again: 6 ms an odds insert instead of
        # 1.4. TRUNCATE leaves their size unknown, as a new partition's is.
        total = sum(len(ids) for _, ids in work)

        async def run(call, result: DayResult, label: str) -> None:
            conns = [
                await psycopg.AsyncConnection.connect(admin_url, application_name="raceday-bench")
                for _ in range(connections)
            ]
            readers = [
                await psycopg.AsyncConnection.connect(
                    admin_url, autocommit=True, application_name="raceday-bench-reader"
                )
                for _ in range(connections)
            ]
            bar = Progress(label, total, " polls")
            try:
                queue: asyncio.Queue = asyncio.Queue()
                for group in (meetings, races):
                    for ids in group:
                        queue.put_nowait(ids)
                    # The meetings pages on one connection, in order; then every race at once.
                    pairs = list(zip(conns, readers, strict=True))
                    await asyncio.gather(
                        *(
                            _drain(conn, reader, queue, call, result, bar)
                            for conn, reader in (pairs[:1] if group is meetings else pairs)
                        )
                    )
            finally:
                for conn in conns + readers:
                    await conn.close()
            bar.done(f"failed {result.failures}")

        began = time.perf_counter()
        asyncio.run(run(_ingest_call, result, "day, database alone"))
        result.seconds = time.perf_counter() - began
        result.history_rows = history_rows(admin)
        # Stored but not transformed: failed, as in bench.polls.
        (quarantined,) = admin.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
        ).fetchone()
        result.failures += quarantined
        try:
            admin.execute(FLOOR_DROP)
            admin.execute(FLOOR_SETUP)
            began = time.perf_counter()
            asyncio.run(run(_floor_call, floor, "day, the floor"))
            floor.seconds = time.perf_counter() - began
        finally:
            admin.execute(FLOOR_DROP)
        admin.execute("DROP TABLE public.bench_held")
        real_database_clock(admin)
    return result, floor


async def _drain(
    conn: psycopg.AsyncConnection,
    reader: psycopg.AsyncConnection,
    queue: asyncio.Queue,
    call,
    result: DayResult,
    bar: Progress,
) -> None:
    """Takes one target's polls after another off the queue and ingests each,
    in its order. The bodies come from `reader`, a few polls ahead, so that
    the connection measured does the ingests and their commits only."""
    t = result.timings
    while not queue.empty():
        ids = queue.get_nowait()
        chunks = [ids[at : at + PREFETCH] for at in range(0, len(ids), PREFETCH)]
        ahead = asyncio.ensure_future(_bodies(reader, chunks[0]))
        for k in range(len(chunks)):
            polls = await ahead
            if k + 1 < len(chunks):
                ahead = asyncio.ensure_future(_bodies(reader, chunks[k + 1]))
            for kind, body, received_at, meta in polls:
                await _ingest_one(conn, call(kind, body, received_at, meta), result, t)
                if result.polls % 100 == 0:
                    bar.update(result.polls, f"failed {result.failures}")


PREFETCH = 8  # polls whose bodies are read ahead of their ingest


async def _bodies(reader: psycopg.AsyncConnection, ids: list[int]) -> list[tuple]:
    cur = await reader.execute(
        "SELECT kind, body, received_at, meta FROM public.bench_held WHERE id = ANY(%s) ORDER BY received_at, id",
        (ids,),
    )
    return await cur.fetchall()


def _ingest_call(kind: str, body: str, received_at: datetime, meta: dict) -> tuple[str, tuple]:
    """The fetcher's call for a stored response."""
    if kind == "event":
        return "SELECT raceday.ingest_event(%s, %s::text, %s, %s)", (
            meta["target"],
            body,
            received_at,
            Jsonb(meta),
        )
    return "SELECT raceday.ingest_meetings(%s::text, %s, %s)", (body, received_at, Jsonb(meta))


def _floor_call(kind: str, body: str, received_at: datetime, meta: dict) -> tuple[str, tuple]:
    """The floor's call for a stored response (FLOOR_SETUP)."""
    return (
        "SELECT public.bench_floor_store(%s, %s, %s::text, %s, %s)",
        (kind, meta["target"], body, received_at, Jsonb(meta)),
    )


async def _ingest_one(conn, poll: tuple[str, tuple], result: DayResult, t: Timings) -> None:
    """One poll in its own transaction, timed as in bench.polls; whether it
    was quarantined is counted once the day is in."""
    call, args = poll
    try:
        _, ingest_ms, transform_ms, commit_ms = await timed_ingest(conn, call, args)
    except psycopg.Error:
        result.failures += 1
        return
    result.polls += 1
    t.add(ingest_ms, transform_ms, commit_ms)
