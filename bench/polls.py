"""Per-poll latency of the real path, race by race: fetch an event from the
simulator over loopback with the fetcher's own client code, then ingest,
transform and commit it as the fetcher's role.

Each poll runs in one transaction so that the database's own counter
(pg_stat_get_xact_function_total_time, track_functions = all) can say how
much of the ingest call was the transform; end to end is fetch + ingest
call + commit, the same work the fetcher does in one autocommit statement
(reading the counter, before and after, is two more round trips, left out
of every figure: the counter holds what is not yet flushed to the shared
statistics, which may span several transactions, so only its growth
across the call is this poll's)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import psycopg

from fetcher.tab import fetch
from .progress import Progress
from .tabserver import TabServer

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true"}
REFRESH_S = 15          # TAB's data changes about every 15 s: each poll moves on by one step


@dataclass
class Timings:
    fetch: list[float] = field(default_factory=list)
    ingest: list[float] = field(default_factory=list)      # the ingest call less the transform
    transform: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)       # fetch + ingest call + commit
    failures: int = 0           # no answer, or refused by the database (quarantined: see quarantined())
    staging_ids: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    arrivals: dict[datetime, float] = field(default_factory=dict)   # received_at -> perf_counter at arrival


async def _noop(_attempt) -> None:
    return None


async def poll(client: httpx.AsyncClient, conn: psycopg.AsyncConnection, base_url: str, race_id: str,
               timings: Timings, record: bool = True) -> None:
    """One poll of one race, timed piece by piece; a failure is counted, never raised."""
    attempt = await fetch(client, f"{base_url}/racing/events/{race_id}", QUERY, 1, 0.0, 0.0, _noop)
    received = datetime.now(UTC)
    arrived = time.perf_counter()
    if not attempt.ok:
        timings.failures += record
        return
    try:
        before = await transform_counter(conn)
        t0 = time.perf_counter()
        cur = await conn.execute("SELECT raceday.ingest_event(%s, %s::text, %s, %s::jsonb)",
                                 (race_id, attempt.body.decode(), received, '{"worker": "bench"}'))
        (staging_id,) = await cur.fetchone()
        t1 = time.perf_counter()
        transform_ms = await transform_counter(conn) - before
        t2 = time.perf_counter()
        await conn.commit()
        t3 = time.perf_counter()
    except psycopg.Error:
        await conn.rollback()
        timings.failures += record
        return
    if not record:
        return
    timings.fetch.append(attempt.fetch_ms)
    timings.transform.append(transform_ms)
    timings.ingest.append((t1 - t0) * 1000 - transform_ms)
    timings.commit.append((t3 - t2) * 1000)
    timings.total.append(attempt.fetch_ms + (t1 - t0 + t3 - t2) * 1000)
    timings.staging_ids.append(staging_id)
    timings.bytes.append(len(attempt.body))
    timings.arrivals[received] = arrived


async def transform_counter(conn: psycopg.AsyncConnection) -> float:
    """Milliseconds this session spent in the transforms, not yet flushed."""
    cur = await conn.execute("""SELECT coalesce(pg_stat_get_xact_function_total_time(
                                    'raceday.transform_event(bigint, jsonb)'::regprocedure), 0)
                                + coalesce(pg_stat_get_xact_function_total_time(
                                    'raceday.transform_meetings(bigint, jsonb)'::regprocedure), 0)""")
    return (await cur.fetchone())[0]


async def races_at_once(server: TabServer, fetcher_url: str, races: list, rounds: int, label: str,
                        pace_s: float = 0.0, warmup: int = 3) -> Timings:
    """`rounds` polls of each race, all races at once in every round, the
    simulator's clock one refresh later each round so that money and odds
    move on every poll. From 50 minutes before the last race's start."""
    timings = Timings()
    conns = [await psycopg.AsyncConnection.connect(fetcher_url, application_name="raceday-bench")
             for _ in races]
    limits = httpx.Limits(max_connections=len(races), max_keepalive_connections=len(races))
    t = max(r.start for r in races) - 50 * 60
    bar = Progress(label, rounds, " rounds")
    try:
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            for k in range(-warmup, rounds):
                server.set(t)
                started = time.perf_counter()
                await asyncio.gather(*(poll(client, conn, server.base_url, race.race_id, timings, record=k >= 0)
                                       for conn, race in zip(conns, races)))
                t += REFRESH_S
                if k >= 0:
                    bar.update(k + 1, f"failed {timings.failures}")
                if pace_s:
                    await asyncio.sleep(max(0.0, pace_s - (time.perf_counter() - started)))
    finally:
        for conn in conns:
            await conn.close()
    bar.done(f"failed {timings.failures}")
    return timings


def pick_races(server: TabServer, count: int) -> list:
    """`count` real-size thoroughbred or harness races of NZ and Australia
    (8-20 runners, none abandoned) whose starts lie closest together: the
    busiest stretch of the day, the events the goals speak of."""
    races = sorted((r for r in server.sim.day.races.values()
                    if r.country in ("NZ", "AUS") and r.category in "TH" and 8 <= len(r.runners) <= 20
                    and r.abandoned_at is None), key=lambda r: (r.start, r.race_id))
    if len(races) < count:
        raise SystemExit(f"the simulated day has only {len(races)} suitable races, {count} needed")
    first = min(range(len(races) - count + 1), key=lambda i: races[i + count - 1].start - races[i].start)
    return races[first:first + count]


def quarantined(admin: psycopg.Connection, staging_ids: list[int]) -> int:
    """Polls stored but not transformed (the fetcher's role may not read staging)."""
    return admin.execute("SELECT count(*) FROM staging.raw_responses WHERE id = ANY(%s) AND transform_error IS NOT NULL",
                         (staging_ids,)).fetchone()[0]
