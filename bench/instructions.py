"""The backend's instructions per poll of one race, for changes too small for
the bench's clocks: this machine's speed drifts by a fifth from one minute to
the next, a count of instructions barely moves (two counts of one prepared
database agree within 0.1 %, counts of two preparations within 0.3 %).

scripts/instructions.sh (`make instructions`) runs it in three steps:

  prepare  on a cluster of its own: an empty database, the race's first
           WARM polls ingested, VACUUM ANALYZE (the same statistics, so the
           same generic plans, every time), a checkpoint; then two scripts
           for a single-user backend: the next FIRST polls (warming its
           caches), and the same FIRST polls followed by POLLS more.
  (the script stops the cluster and runs each script under valgrind's
   callgrind against its own copy of the data directory, counting only
   inside PortalRun: the ingest calls, not their parse or the commit)
  report   the difference of the two counts over POLLS: one poll's
           instructions, with the ten most costly functions of it.

The race is the bench's "one race" (bench.polls.pick_races) with the
simulator's real-size events, one every 15 s from 50 minutes before its
start, so the money and odds move on every poll as in the bench. Under
valgrind, OpenSSL's sha256 takes a generic path that costs several times
its native share: read the hash's line apart."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import psycopg
from psycopg.types.json import Jsonb

from tabsim.clock import SimClock, freeze_database_clock
from tabsim.model import REAL_FORM_SIZE
from tabsim.replay import history_partitions
from tabsim.server import PREFIX, Simulator
from tests.harness import empty_database

from .__main__ import layout
from .polls import QUERY, REFRESH_S, pick_races

WARM, FIRST, POLLS = 60, 5, 10
TAG = "$raceday_body$"  # dollar quote of a body in the scripts


def race_polls(count: int, seed: int = 1) -> tuple[str, list[tuple[float, str]]]:
    """The bench's one race and `count` of its events, REFRESH_S apart."""
    start, _first, _until = layout(seed)
    sim = Simulator(
        seed, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, form_size=REAL_FORM_SIZE
    )
    (race,) = pick_races(SimpleNamespace(sim=sim), 1)  # it reads the server's day only
    t = race.start - 50 * 60
    polls = []
    for _ in range(count):
        _type, _status, body = sim.respond(f"{PREFIX}/racing/events/{race.race_id}", QUERY, t)
        polls.append((t, body))
        t += REFRESH_S
    return race.race_id, polls


def statement(race_id: str, t: float, body: str) -> str:
    """One ingest as a single-user backend reads it (-j: ends with ';' and a blank line)."""
    if TAG in body or ";\n\n" in body:
        raise ValueError("the body cannot be quoted for a single-user script")
    received = datetime.fromtimestamp(t, UTC).isoformat()
    return f"SELECT raceday.ingest_event('{race_id}', {TAG}{body}{TAG}, '{received}', '{{\"worker\": \"instructions\"}}');\n\n"


def prepare(url: str, directory: Path, warm: int = WARM, first: int = FIRST, polls: int = POLLS) -> None:
    race_id, events = race_polls(warm + first + polls)
    with psycopg.connect(url, autocommit=True) as admin:
        empty_database(admin)
        history_partitions(admin, events[0][0], events[-1][0])
        freeze_database_clock(admin, events[0][0])
        for t, body in events[:warm]:
            admin.execute(
                "SELECT raceday.ingest_event(%s, %s::text, %s, %s)",
                (race_id, body, datetime.fromtimestamp(t, UTC), Jsonb({"worker": "instructions"})),
            )
        admin.execute("VACUUM ANALYZE")
        admin.execute("CHECKPOINT")
    directory.mkdir(parents=True, exist_ok=True)
    scripts = {"base": events[warm : warm + first], "measured": events[warm : warm + first + polls]}
    for name, chosen in scripts.items():
        (directory / f"{name}.sql").write_text("".join(statement(race_id, t, body) for t, body in chosen))


SUMMARY = re.compile(r"^(?:summary|totals):\s+(\d+)", re.M)
FUNCTION = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+(?:\S*:)?(\S+?)(?:'\d+)?\s+\[(\S+)\]\s*$")


def total(callgrind_out: str) -> int:
    """The instruction count a callgrind output file records."""
    match = SUMMARY.search(callgrind_out)
    if match is None:
        raise ValueError("no summary line: not a callgrind output, or nothing was counted")
    return int(match.group(1))


def functions(annotated: str) -> dict[str, int]:
    """Exclusive instructions by function from callgrind_annotate's listing."""
    found: dict[str, int] = {}
    for line in annotated.splitlines():
        match = FUNCTION.match(line)
        if match and "PROGRAM TOTALS" not in line:
            name = f"{match.group(2)} ({Path(match.group(3)).name})"
            found[name] = found.get(name, 0) + int(match.group(1).replace(",", ""))
    return found


def report(directory: Path, polls: int = POLLS, out=None) -> float:
    """Prints one poll's instructions and its costliest functions; returns the count."""
    out = out or sys.stdout
    per_poll = (
        total((directory / "measured.out").read_text()) - total((directory / "base.out").read_text())
    ) / polls
    print(f"instructions per poll: {per_poll / 1e6:.2f} million (callgrind, {polls} polls)", file=out)
    base, measured = (directory / "base.txt"), (directory / "measured.txt")
    if base.exists() and measured.exists():
        before, after = functions(base.read_text()), functions(measured.read_text())
        costs = {name: (after[name] - before.get(name, 0)) / polls for name in after}
        for name, cost in sorted(costs.items(), key=lambda item: -item[1])[:10]:
            print(f"  {cost / 1e6:6.2f} million  {100 * cost / per_poll:4.1f} %  {name}", file=out)
    return per_poll


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.instructions", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare", help="fill the database and write the two scripts")
    p.add_argument("--url", required=True, help="superuser libpq URL of a database of this tool's own")
    p.add_argument("--dir", type=Path, required=True)
    p.add_argument("--polls", type=int, default=POLLS)
    r = sub.add_parser("report", help="one poll's instructions from the two counts")
    r.add_argument("--dir", type=Path, required=True)
    r.add_argument("--polls", type=int, default=POLLS)
    args = parser.parse_args(argv)
    if args.polls < 1:
        parser.error("--polls must be at least 1")
    if args.step == "prepare":
        prepare(args.url, args.dir, polls=args.polls)
    else:
        report(args.dir, args.polls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
