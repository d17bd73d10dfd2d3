"""make bench: the pipeline and the API measured end to end, each figure
beside its goal (and the earlier Node implementation's, where measured).

    python -m bench --url postgresql://postgres@127.0.0.1:PORT/raceday

The database is emptied: give it one of its own (make bench starts a fresh
cluster for it). In order:
  1. one race, polled alone, from 50 minutes out to its result;
  2. ten races at once, money and odds moving on every poll;
  3. arrival to visible: one race polled every 250 ms while a client asks
     the API for its newest row as fast as it answers;
  4. the simulated racing day at full speed through the real path (HTTP);
  5. the API under wrk at 1, 10 and 50 connections, on the day's data;
  6. the same day ingested again in the database alone, then its floor
     (each response parsed, given its repeat key, stored and committed,
     no transform);
  7. live push: commit to SSE client at 1, 100 and 1,000 clients on one
     race, feed queries per change, memory per idle client, and commit to
     the race board redrawn in headless Chromium.
--only NAME[,NAME...] runs some of them: one, ten, fresh, day, api, alone,
live (api and alone need the day).
Events are real-size (--form-size 15: about 400 KB for 14 runners, 8-20 runners)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import psycopg

from tabsim.model import REAL_FORM_SIZE, RacingDay
from tabsim.replay import history_partitions
from tabsim.server import PREFIX
from tests.harness import ApiServer, LiveServer, empty_database, ingest_meeting

from . import day as day_mod
from . import live as live_mod
from . import readme
from .api import Watcher, wrk
from .polls import QUERY, pick_races, quarantined, races_at_once
from .progress import Progress
from .report import Report
from .tabserver import TabServer

RESULTS = Path(__file__).resolve().parent / "results"
MB = 1024 * 1024


def layout(seed: int) -> tuple[float, float, float]:
    """(layout start, first poll, last instant): a day laid out so that its
    last race went off 40 minutes ago (every result is in by now), replayed
    from an hour and five minutes before its first race."""
    probe = RacingDay(seed, 0, True, 3)
    first = min(r.start for r in probe.races.values())
    last = max(r.start for r in probe.races.values())
    now = time.time()
    start = now - last - 40 * 60
    return start, start + first - 65 * 60, now


PROBE_NAME = "a real-size event parsed as jsonb, median of 30"


def probe(report: Report, admin: psycopg.Connection, server: TabServer, when: str) -> None:
    """The same work at the start and at the end of a run: this machine's
    speed drifts by a fifth or more from one minute to the next, so figures
    of two runs compare only beside their probes."""
    race = max(server.sim.day.races.values(), key=lambda r: len(r.runners))
    body = server.sim.respond(f"{PREFIX}/racing/events/{race.race_id}", QUERY, race.start - 1800)[2]
    times = []
    for k in range(35):  # the first five warm the connection up
        started = time.perf_counter()
        admin.execute("SELECT (%s::text)::jsonb IS NOT NULL", (body,))
        if k >= 5:
            times.append((time.perf_counter() - started) * 1000)
    report.add(f"{readme.PROBE} {when}", PROBE_NAME, statistics.median(times), "ms")


def add_poll_spreads(
    report: Report, section: str, t, goals: dict | None = None, node: dict | None = None
) -> None:
    """End to end against its goals; then its parts, each beside the Node
    implementation's (`node["fetch"]` etc.) where that was measured."""
    node = node or {}
    report.add_spread(section, "end to end", t.total, goals, node.get("end to end"))
    for name in ("fetch", "ingest", "transform", "commit"):
        values = getattr(t, name)
        if values:
            report.add_spread(section, name, values, None, node.get(name))


def one_race(
    report: Report, admin: psycopg.Connection, server: TabServer, fetcher_url: str, polls: int
) -> None:
    (race,) = pick_races(server, 1)
    t = asyncio.run(races_at_once(server, fetcher_url, [race], polls, "one race", warmup=5))
    kb = statistics.mean(t.bytes) / 1024
    section = f"one race, {len(race.runners)} runners, {kb:.0f} KB per event, {len(t.total)} polls"
    # The Node implementation, on the same kind of machine and events: fetch,
    # transform and commit p50 of 4, 3 and 5 ms (it had no separate ingest).
    node = {
        "end to end": {"p50": "12", "p95": "27"},
        "fetch": {"p50": "4"},
        "transform": {"p50": "3"},
        "commit": {"p50": "5"},
    }
    add_poll_spreads(report, section, t, {"p50": "<= 10", "p95": "<= 14"}, node)
    report.add(section, "failed polls", t.failures + quarantined(admin, t.staging_ids), "", "== 0")


def ten_races(
    report: Report, admin: psycopg.Connection, server: TabServer, fetcher_url: str, rounds: int
) -> None:
    races = pick_races(server, 10)
    t = asyncio.run(races_at_once(server, fetcher_url, races, rounds, "ten races at once", warmup=2))
    moved = admin.execute(
        """SELECT count(DISTINCT staging_id) FROM raceday.odds_history
                             WHERE staging_id = ANY(%s)""",
        (t.staging_ids,),
    ).fetchone()[0]
    section = f"ten races at once, odds moving, {len(t.total)} polls"
    add_poll_spreads(report, section, t, {"p95": "<= 60"}, {"end to end": {"p50": "60 *", "p95": "99 *"}})
    failed = t.failures + quarantined(admin, t.staging_ids)
    report.add(section, "failed polls", 100 * failed / max(len(t.total) + t.failures, 1), "%", "== 0", "31")
    report.add(section, "polls whose odds moved", 100 * moved / max(len(t.staging_ids), 1), "%")


def freshness(report: Report, admin_url: str, server: TabServer, fetcher_url: str, polls: int) -> None:
    (race,) = pick_races(server, 1)
    api = ApiServer(admin_url)
    watcher = Watcher(api.url, race.race_id)
    watcher.start()
    try:
        t = asyncio.run(
            races_at_once(server, fetcher_url, [race], polls, "arrival to visible", pace_s=0.25, warmup=2)
        )
        time.sleep(0.5)
    finally:
        watcher.stop()
        api.stop()
    delays = [
        (watcher.seen[k] - arrived) * 1000
        for received, arrived in t.arrivals.items()
        if (k := _iso(received)) in watcher.seen
    ]
    section = f"arrival to visible through the API ({api.kind}), {len(delays)} polls with rows"
    report.add_spread(section, "arrival to visible", delays, {"p95": "<= 50"})
    report.add(section, "watcher requests per poll", watcher.requests / max(len(t.total), 1), "")
    report.details["freshness"] = {"watcher_requests": watcher.requests, "watcher_errors": watcher.errors}


def _iso(received: datetime) -> str:
    return received.isoformat()


def full_day(
    report: Report,
    admin_url: str,
    fetcher_url: str,
    server: TabServer,
    first: float,
    until: float,
    connections: int,
) -> None:
    r = day_mod.real_path(admin_url, fetcher_url, server, first, until, connections)
    section = f"the day at full speed, real path, {connections} connections, {r.polls:,} polls"
    # The simulator renders every answer on the same two cores.
    report.add(section, "polls per second", r.polls / r.seconds, "/s", ">= 120")
    report.add(section, "history rows per second", r.history_rows / r.seconds, "/s")
    report.add(section, "failed polls", r.failures, "", "== 0")
    report.add_spread(section, "end to end", r.timings.total)
    report.add_spread(section, "fetch", r.timings.fetch)
    report.add_spread(section, "ingest+transform+commit", r.timings.ingest)
    storage = f"raw staging for the whole simulated day ({r.polls:,} polls)"
    report.add(storage, "staging.raw_responses on disk", r.staging_bytes / MB, "MB", "< 1024")
    report.add(storage, "received per poll", r.received_bytes / max(r.polls, 1) / 1024, "KB")
    report.add(storage, "stored per poll", r.staging_bytes / max(r.polls, 1) / 1024, "KB")
    report.details["day"] = {
        "seconds": r.seconds,
        "polls": r.polls,
        "by_status": r.by_status,
        "history_rows": r.history_rows,
        "staging_bytes": r.staging_bytes,
    }


def api_load(report: Report, admin_url: str, admin: psycopg.Connection, seconds: int) -> None:
    race, rows = admin.execute("""SELECT race_id, count(*) FROM raceday.money_flow_latest GROUP BY 1
                                  ORDER BY 2 DESC, 1 LIMIT 1""").fetchone()
    admin.execute("ANALYZE")
    api = ApiServer(admin_url)
    # The day is over by now, so upcoming races looks back over its last four hours (at most 50 races).
    endpoints = {
        "timeline": f"/money_flow_timeline?race_id=eq.{race}&order=entrant_id,time_interval.desc",
        "entrants": f"/entrants?race_id=eq.{race}&order=runner_number",
        "upcoming races": "/rpc/upcoming_races?lookback_minutes=240",
    }
    runs = [(name, clients) for name in endpoints for clients in (1, 10, 50)]
    bar = Progress("API under wrk", len(runs) * seconds, " s")
    try:
        for k, (name, clients) in enumerate(runs):
            res = wrk(api.url + endpoints[name], clients, seconds)
            section = f"API ({api.kind}): {name}, {clients} client{'s' if clients > 1 else ''}"
            report.add(section, "requests per second", res["rps"], "/s")
            for p in ("p50", "p95", "p99"):
                goal = "<= 20" if name == "timeline" and clients == 50 and p == "p95" else ""
                report.add(section, p, res[f"{p}_ms"], "ms", goal)
            report.add(section, "errors", res["errors"], "", "== 0")
            bar.update((k + 1) * seconds, f"{name} x{clients}")
    finally:
        api.stop()
    bar.done()
    report.details["api"] = {"race": str(race), "timeline_rows": rows, "endpoints": endpoints}


def alone(report: Report, admin_url: str, connections: int) -> None:
    r, floor = day_mod.database_alone(admin_url, connections)
    section = f"the day again, in the database alone, {connections} connections, {r.polls:,} polls"
    report.add(section, "polls per second", r.polls / r.seconds, "/s", ">= 200")
    report.add(section, "history rows per second", r.history_rows / r.seconds, "/s")
    report.add(section, "failed polls", r.failures, "", "== 0")
    add_poll_spreads(report, section, r.timings)
    # What is left of a poll for its transform: the floor's rate bounds any transform's.
    section = f"the day's floor: parse, repeat key, store, commit; no transform, {connections} connections"
    report.add(section, "polls per second", floor.polls / floor.seconds, "/s")
    report.add(section, "failed polls", floor.failures, "", "== 0")
    add_poll_spreads(report, section, floor.timings)


def live_push(
    report: Report,
    admin_url: str,
    fetcher_url: str,
    admin: psycopg.Connection,
    server: TabServer,
    polls: int,
    clients: list[int],
) -> None:
    (race,) = pick_races(server, 1)
    day = server.sim.day
    empty_database(admin)
    # The race's meeting, as a meetings poll would bring it.
    ingest_meeting(
        admin, day, next(m for m in day.meetings if m.meeting_id == race.meeting_id), race.start - 3600
    )
    api = ApiServer(admin_url)  # the board's first load
    live = LiveServer(admin_url, LIVE_API_URL=api.url, LIVE_MAX_CONNECTIONS=str(max(clients) + 100))
    try:
        # The race's last 50 minutes, one poll every 30 s of its time: its buckets fill as a watcher sees them.
        t0 = race.start - 50 * 60
        for n in clients:
            w = asyncio.run(live_mod.watch(live, fetcher_url, admin_url, day, race, n, polls, t0))
            t0 += (polls + live_mod.WARMUP) * live_mod.STEP_S
            section = (
                f"live: commit to SSE event, {n} client{'s' if n > 1 else ''} on one race, {polls} polls"
            )
            goals = {1: {"p95": "<= 25"}}.get(n, {})
            report.add_spread(section, "commit to event, every client", w.delays, goals)
            report.add_spread(
                section,
                "commit to event, the last client",
                w.last,
                {"p95": "<= 150"} if n == max(clients) else {},
            )
            report.add(section, "events missed", w.missed, "", "== 0")
            report.add(
                section,
                "feed queries per change",
                w.queries_per_change,
                "",
                "<= 2" if n == max(clients) else "",
            )
            report.add(
                section,
                "live memory per idle client",
                w.kb_per_idle_client,
                "KB",
                "<= 30" if n == max(clients) else "",
            )
        board = live_mod.board(live, admin_url, fetcher_url, day, race, polls, t0)
        if board is not None:
            section = f"live: commit to the race board redrawn (headless Chromium), {len(board)} polls"
            report.add_spread(section, "commit to grid updated", board, {"p95": "<= 150"})
    finally:
        live.stop()
        api.stop()
    empty_database(admin)


SCENARIOS = ("one", "ten", "fresh", "day", "api", "alone", "live")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("--url", required=True, help="superuser libpq URL of a database of the bench's own")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated racing day (default 1)")
    parser.add_argument(
        "--form-size",
        type=int,
        default=REAL_FORM_SIZE,
        help=f"last starts per runner (default {REAL_FORM_SIZE}: real size, about 400 KB for 14 runners)",
    )
    parser.add_argument("--one-race-polls", type=int, default=300, help="polls of the one race (default 300)")
    parser.add_argument(
        "--ten-race-rounds", type=int, default=30, help="rounds of the ten races (default 30)"
    )
    parser.add_argument("--fresh-polls", type=int, default=120, help="polls of the arrival-to-visible race")
    parser.add_argument("--api-seconds", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=2, help="database connections of the day replays")
    parser.add_argument(
        "--hours", type=float, default=0, help="replay only the day's first HOURS (default 0: the whole day)"
    )
    parser.add_argument("--live-polls", type=int, default=20, help="polls per live client count (default 20)")
    parser.add_argument(
        "--live-clients",
        default="1,100,1000",
        help="SSE clients on one race, comma-separated counts (default 1,100,1000)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help=f"scenarios to run, comma-separated, of {', '.join(SCENARIOS)} (default: all)",
    )
    args = parser.parse_args(argv)
    if "@" not in args.url:
        parser.error(
            "--url must be a libpq URL with a user, e.g. postgresql://postgres@127.0.0.1:5432/raceday"
        )
    fetcher_url = args.url.replace(args.url.split("://", 1)[1].split("@", 1)[0] + "@", "raceday_fetcher@", 1)
    only = set(args.only.split(","))
    if not only <= set(SCENARIOS):
        parser.error(
            f"--only: unknown scenario {sorted(only - set(SCENARIOS))}; choose from {', '.join(SCENARIOS)}"
        )
    if only & {"api", "alone"} and "day" not in only:
        parser.error("--only: api and alone need the day's data: add day")
    try:
        live_clients = sorted({int(n) for n in args.live_clients.split(",")})
        assert live_clients and live_clients[0] >= 1
    except (ValueError, AssertionError):
        parser.error(f"--live-clients takes positive counts separated by commas, not {args.live_clients!r}")

    report = Report(vars(args))
    started = time.perf_counter()
    with psycopg.connect(args.url, autocommit=True) as admin:
        # The transform's share of each poll comes from the database's own counters.
        admin.execute("ALTER SYSTEM SET track_functions = 'all'")
        admin.execute("SELECT pg_reload_conf()")
        layout_start, first, until = layout(args.seed)
        if args.hours:
            until = min(until, first + args.hours * 3600)
        print(f"bench: simulating the day (seed {args.seed}, form size {args.form_size})", file=sys.stderr)
        server = TabServer(args.seed, layout_start, args.form_size)
        try:
            # Each of the race scenarios starts from an empty database and leaves nothing behind.
            empty_database(admin)
            history_partitions(admin, first, until)
            probe(report, admin, server, "at the start of the run")
            if "one" in only:
                one_race(report, admin, server, fetcher_url, args.one_race_polls)
                empty_database(admin)
            if "ten" in only:
                ten_races(report, admin, server, fetcher_url, args.ten_race_rounds)
                empty_database(admin)
            if "fresh" in only:
                freshness(report, args.url, server, fetcher_url, args.fresh_polls)
                empty_database(admin)
            if "live" in only:
                live_push(report, args.url, fetcher_url, admin, server, args.live_polls, live_clients)
            if "day" in only:
                full_day(report, args.url, fetcher_url, server, first, until, args.connections)
            probe(report, admin, server, "at the end of the run")
        finally:
            server.stop()
        if "api" in only:
            api_load(report, args.url, admin, args.api_seconds)
        if "alone" in only:
            alone(report, args.url, args.connections)
        admin.execute("ALTER SYSTEM RESET track_functions")
        admin.execute("SELECT pg_reload_conf()")
    report.details["seconds"] = time.perf_counter() - started
    print(report.table())
    print(
        "\n* the Node figures for ten races were measured with unchanged odds; with moving odds it failed 31 % "
        "of its polls"
    )
    path = report.write(RESULTS)
    if only >= {"one", "ten", "day", "alone"} and not args.hours:
        readme.update(path)  # a run of the whole day: the README shows it
    print(
        f"\nbench: {time.perf_counter() - started:.0f} s; figures written to {path.relative_to(Path.cwd())}"
        if path.is_relative_to(Path.cwd())
        else f"\nbench: written to {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
