"""Replays a simulated racing day into the database at full speed, without
HTTP: the schedule in the database says what is due, the simulator answers
in-process, and the fetcher's own database layer delivers each answer. The
database's clock jumps from one due poll to the next, so hours of racing
take as long as the database needs to ingest them.

By default the day is laid out so that it ends now: the database then holds
what a fetcher running since the first race would have stored, and its clock
is handed back to real time. The tests of tests/day (ops views, backup and
restore) use it; `python -m tabsim.replay --help` runs it by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg

from fetcher.db import Claim, Database
from fetcher.tab import Attempt

from .clock import SimClock, freeze_database_clock, real_database_clock
from .model import REAL_FORM_SIZE
from .server import PREFIX, FaultRates, Simulator

WORKER = "replay"

# The soonest an event target polled at instant t can fall due again: the
# schedule's shortest interval (raceday.poll_interval) and the first back-off
# after a failed poll (raceday.ingest_failure) are both 15 s. A meetings page
# may schedule the next page, and new races, at its own instant.
EVENT_GAP_S = 15.0

# The instant of the poll a task delivers (overlapping replays).
_INSTANT: ContextVar[float | None] = ContextVar("replay_instant", default=None)


class _InstantDatabase(Database):
    """The fetcher's database layer with every statement on the schedule's
    clock at the instant of the poll it serves: the session's raceday.clock
    (session_clock) is set before a statement whenever the connection's
    differs, through to_timestamp as freeze_database_clock does, so an
    instant reads the same either way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clocks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def _session(self, conn) -> None:
        at = _INSTANT.get()
        if at is not None and self._clocks.get(conn) != at:
            await conn.execute("SELECT set_config('raceday.clock', to_timestamp(%s)::text, false)", (at,))
            self._clocks[conn] = at


@dataclass
class Replay:
    """What a replay did: polls by kind and outcome, and the virtual span."""

    polls: int = 0
    failures: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    first: float = 0.0
    last: float = 0.0
    seconds: float = 0.0
    most_in_flight: int = 0  # polls delivered side by side at most (overlap)


async def _deliver(db: Database, sim: Simulator, claim: Claim, t: float, stats: Replay) -> None:
    query = {k: str(v) for k, v in claim.query.items()}
    _, status, body = sim.respond(PREFIX + claim.path, query, t, sim.draw_fault())
    received = datetime.fromtimestamp(t, UTC)
    ok = 200 <= status < 300
    attempt = Attempt(1, PREFIX + claim.path, status, body.encode(), None if ok else f"HTTP {status}", 0.0)
    stats.by_status[str(status)] = stats.by_status.get(str(status), 0) + 1
    stats.polls += 1
    if ok:
        _, error = await db.ingest(claim, attempt.body, received, attempt.meta(WORKER, True))
    else:
        error = attempt.error
        await db.failure(claim, received, attempt.failure_meta(WORKER, True))
    stats.failures += error is not None


async def replay(
    admin_url: str,
    fetcher_url: str,
    sim: Simulator,
    start: float,
    until: float,
    progress=None,
    connections: int = 2,
    stats: Replay | None = None,
    deliver=None,
    overlap: bool = False,
) -> Replay:
    """Polls the simulator's day from virtual `start` to `until` (epoch
    seconds) as the database schedules it, delivering the polls due at one
    instant over `connections` connections at once. `progress(t)` is called
    as the clock moves. `deliver(db, sim, claim, t, stats)` answers and
    hands over one claim: by default in-process; the bench fetches over HTTP.

    overlap=False: the clock moves to the next due poll once every poll of
    the instant is in. overlap=True: polls of later instants start while
    earlier ones are in flight, as far as the schedule allows (see
    _overlapping); the same polls at the same instants, in less time when
    deliveries can run side by side."""
    deliver = deliver or _deliver
    stats = stats or Replay(first=start)
    began = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        history_partitions(admin, start, until)
        db = (_InstantDatabase if overlap else Database)(fetcher_url, connections)
        try:
            run = _overlapping if overlap else _instant_by_instant
            t = await run(admin, db, sim, start, until, progress, stats, deliver)
        finally:
            await db.release(WORKER)
            await db.close()
    stats.last = min(t, until)
    stats.seconds += time.perf_counter() - began
    return stats


def history_partitions(admin: psycopg.Connection, start: float, until: float) -> None:
    """The history partitions of the NZ racing days from `start` to a day past
    `until` (epoch seconds): they exist from today on, and a day laid out in
    the past needs its own."""
    admin.execute(
        "SELECT raceday.ensure_history_partitions(raceday.nz_racing_day(to_timestamp(%s)), "
        "raceday.nz_racing_day(to_timestamp(%s)) + 1)",
        (start, until),
    )


def _next_due(admin: psycopg.Connection, t: float) -> float | None:
    (due,) = admin.execute(
        "SELECT extract(epoch FROM min(next_poll_at)) FROM raceday.poll_targets WHERE next_poll_at > to_timestamp(%s)",
        (t,),
    ).fetchone()
    return None if due is None else float(due)


async def _instant_by_instant(admin, db, sim, start, until, progress, stats, deliver) -> float:
    t, frozen = start, None
    while t <= until:
        if t != frozen:  # claiming again at the same instant: the clock already stands there
            freeze_database_clock(admin, t)
            frozen = t
        claims = await db.claim(WORKER, 100)
        # One claim per target: delivering them together keeps each race's polls in order.
        await asyncio.gather(*(deliver(db, sim, claim, t, stats) for claim in claims))
        if claims:
            continue
        due = _next_due(admin, t)
        t = due if due is not None else t + 60
        if progress:
            progress(min(t, until))
    return t


async def _overlapping(admin, db, sim, start, until, progress, stats, deliver) -> float:
    """Each poll is delivered as a task of its own, its statements on the
    clock of its instant (_InstantDatabase); the schedule's clock (settings,
    which pg_cron's jobs read) stands at the newest instant claimed. The
    clock moves on to the next due poll as soon as no poll in flight can
    fall due before it: an event polled at t is due again EVENT_GAP_S later
    at the soonest, and a meetings page may make polls due at its own
    instant, so while one is in flight the clock waits for it. Polls in
    flight are leased, so a claim never takes a target twice; each target's
    polls stay in order. The result is the day of _instant_by_instant."""
    # Each task in flight: the instant its target can be due again, at the soonest.
    inflight: dict[asyncio.Task, float] = {}

    async def one(claim, at: float) -> None:
        _INSTANT.set(at)
        await deliver(db, sim, claim, at, stats)

    t, frozen = start, None
    try:
        while True:
            nxt = None
            if t <= until:
                # The admin connection is synchronous: its round trips run in a
                # thread, so that the deliveries in flight go on meanwhile.
                if t != frozen:
                    await asyncio.to_thread(freeze_database_clock, admin, t)
                    frozen = t
                _INSTANT.set(t)
                claims = await db.claim(WORKER, 100)
                for claim in claims:
                    gap = EVENT_GAP_S if claim.kind == "event" else 0.0
                    inflight[asyncio.create_task(one(claim, t))] = t + gap
                stats.most_in_flight = max(stats.most_in_flight, len(inflight))
                if claims:
                    continue
                due = await asyncio.to_thread(_next_due, admin, t)
                nxt = due if due is not None else (None if inflight else t + 60)
            if nxt is not None and nxt < min(inflight.values(), default=math.inf):
                t = nxt
                if progress:
                    progress(min(t, until))
                continue
            if not inflight:
                return t
            done, _ = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                del inflight[task]
                task.result()  # a delivery's error ends the replay
    finally:
        for task in inflight:
            task.cancel()
        await asyncio.gather(*inflight, return_exceptions=True)


def replay_until_now(
    admin_url: str,
    fetcher_url: str,
    hours: float = 4.0,
    seed: int = 1,
    form_size: int = 3,
    faults: str = "",
    progress=None,
    connections: int = 2,
    overlap: bool = False,
) -> tuple[Simulator, Replay]:
    """A day whose first race went off about `hours` ago, replayed up to now;
    then the database's clock is real time again. `overlap`: see replay()."""
    now = time.time()
    start = now - hours * 3600
    sim = Simulator(
        seed,
        SimClock(datetime.fromtimestamp(start, UTC)),
        faults=FaultRates.parse(faults),
        layout_start=start,
        form_size=form_size,
    )
    stats = Replay(first=start)
    # Real time moves on while the replay runs: catch up until the gap is small.
    while time.time() - (stats.last or start) > 5:
        asyncio.run(
            replay(
                admin_url,
                fetcher_url,
                sim,
                stats.last or start,
                time.time(),
                progress,
                connections,
                stats=stats,
                overlap=overlap,
            )
        )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        real_database_clock(admin)
    return sim, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tabsim.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("RACEDAY_DATABASE_URL"),
        help="superuser libpq URL of the database (default: RACEDAY_DATABASE_URL)",
    )
    parser.add_argument("--hours", type=float, default=4.0, help="how long ago the day began (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the racing day")
    parser.add_argument(
        "--form-size",
        type=int,
        default=3,
        help=f"last starts per runner ({REAL_FORM_SIZE}: real-size events)",
    )
    parser.add_argument("--faults", default="", help="fault rates, e.g. 500=0.01,malformed=0.005")
    args = parser.parse_args(argv)
    if not args.url or "@" not in args.url:
        parser.error(
            "--url (or RACEDAY_DATABASE_URL) must be a libpq URL with a user, e.g. "
            "postgresql://postgres@127.0.0.1:5432/raceday"
        )
    if not 0 < args.hours <= 20:
        parser.error("--hours must be within 0..20")
    fetcher_url = args.url.replace(args.url.split("://", 1)[1].split("@", 1)[0] + "@", "raceday_fetcher@", 1)
    end = time.time()

    def progress(t: float) -> None:
        done = 1 - max(end - t, 0) / (args.hours * 3600)
        print(f"\rreplay: {done:6.1%} {datetime.fromtimestamp(t, UTC):%H:%M:%S}Z", end="", file=sys.stderr)

    try:
        _, stats = replay_until_now(
            args.url,
            fetcher_url,
            args.hours,
            args.seed,
            args.form_size,
            args.faults,
            progress if sys.stderr.isatty() else None,
        )
    except (psycopg.Error, ValueError) as err:
        print(f"\nreplay: error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    print(
        f"\nreplay: {stats.polls} polls ({stats.failures} failed) in {stats.seconds:.1f} s, "
        f"{stats.polls / max(stats.seconds, 1e-9):.0f} polls/s; by status {stats.by_status}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
