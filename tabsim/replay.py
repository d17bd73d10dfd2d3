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
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg

from fetcher.db import Claim, Database
from fetcher.tab import Attempt

from .clock import SimClock, freeze_database_clock, real_database_clock
from .model import REAL_FORM_SIZE
from .server import PREFIX, FaultRates, Simulator

WORKER = "replay"


@dataclass
class Replay:
    """What a replay did: polls by kind and outcome, and the virtual span."""

    polls: int = 0
    failures: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    first: float = 0.0
    last: float = 0.0
    seconds: float = 0.0


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
) -> Replay:
    """Polls the simulator's day from virtual `start` to `until` (epoch
    seconds) as the database schedules it, delivering the polls due at one
    instant over `connections` connections at once. `progress(t)` is called
    as the clock moves. `deliver(db, sim, claim, t, stats)` answers and
    hands over one claim: by default in-process; the bench fetches over HTTP."""
    deliver = deliver or _deliver
    stats = stats or Replay(first=start)
    began = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        # History partitions exist from today on; a day laid out in the past needs its own.
        admin.execute(
            "SELECT raceday.ensure_history_partitions(raceday.nz_racing_day(to_timestamp(%s)), "
            "raceday.nz_racing_day(to_timestamp(%s)) + 1)",
            (start, until),
        )
        db = Database(fetcher_url, connections)
        t, frozen = start, None
        try:
            while t <= until:
                if t != frozen:  # claiming again at the same instant: the clock already stands there
                    freeze_database_clock(admin, t)
                    frozen = t
                claims = await db.claim(WORKER, 100)
                # One claim per target: delivering them together keeps each race's polls in order.
                await asyncio.gather(*(deliver(db, sim, claim, t, stats) for claim in claims))
                if claims:
                    continue
                (due,) = admin.execute(
                    "SELECT extract(epoch FROM min(next_poll_at)) FROM raceday.poll_targets "
                    "WHERE next_poll_at > to_timestamp(%s)",
                    (t,),
                ).fetchone()
                t = float(due) if due is not None else t + 60
                if progress:
                    progress(min(t, until))
        finally:
            await db.release(WORKER)
            await db.close()
    stats.last = min(t, until)
    stats.seconds += time.perf_counter() - began
    return stats


def replay_until_now(
    admin_url: str,
    fetcher_url: str,
    hours: float = 4.0,
    seed: int = 1,
    form_size: int = 3,
    faults: str = "",
    progress=None,
    connections: int = 2,
) -> tuple[Simulator, Replay]:
    """A day whose first race went off about `hours` ago, replayed up to now;
    then the database's clock is real time again."""
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
