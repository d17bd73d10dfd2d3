"""Per-poll latency of the real path, one poll at a time: fetch a real-size
event from the simulator over loopback, ingest + transform + commit it.

    python bench/poll_latency.py DATABASE_URL [POLLS]

Prints p50/p95/max of fetch, ingest (store, transform, commit) and the two
together, and the raw bytes received and stored per poll. Uses races of 8-14
runners, polled from 60 minutes before their start to their result, on the
database given (all its raceday data is deleted first)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tabsim.server import Simulator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> int:
    url = sys.argv[1]
    polls = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    sim = Simulator(seed=11).start()
    races = [r for r in sim.day.races.values()
             if r.country in ("NZ", "AUS") and r.category in "TH" and 8 <= len(r.runners) <= 14 and r.abandoned_at is None]
    fetch_ms, ingest_ms, total_ms, received = [], [], [], []
    with psycopg.connect(url, autocommit=True) as db, httpx.Client() as client:
        db.execute("TRUNCATE raceday.meetings, raceday.poll_targets, staging.raw_responses RESTART IDENTITY CASCADE")
        per_race = max(1, polls // len(races))
        for race in races:
            for k in range(per_race):
                at = race.start - 3600 + k * (3600 + 600) / per_race      # 60 min before to 10 min after
                sim.clock.set(datetime.fromtimestamp(at, UTC))
                t0 = time.perf_counter()
                response = client.get(f"{sim.base_url}/racing/events/{race.race_id}",
                                      params={"with_money_tracker": "true", "with_tote_trends_data": "true"})
                t1 = time.perf_counter()
                db.execute("SELECT raceday.ingest_event(%s, %s::jsonb, now(), %s)",
                           (race.race_id, response.text, f'{{"bytes": {len(response.content)}}}'))
                t2 = time.perf_counter()
                fetch_ms.append((t1 - t0) * 1000)
                ingest_ms.append((t2 - t1) * 1000)
                total_ms.append((t2 - t0) * 1000)
                received.append(len(response.content))
        errors = db.execute("SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL").fetchone()[0]
        stored = db.execute("SELECT avg(pg_column_size(body))::bigint FROM staging.raw_responses").fetchone()[0]
        rows = db.execute("SELECT (SELECT count(*) FROM raceday.money_flow_history), "
                          "(SELECT count(*) FROM raceday.odds_history)").fetchone()
    sim.stop()
    print(f"polls {len(total_ms)} of {len(races)} races (8-14 runners), transform errors {errors}")
    for name, values in (("fetch", fetch_ms), ("ingest+transform+commit", ingest_ms), ("end to end", total_ms)):
        print(f"{name:>24}: p50 {pct(values, .5):7.2f} ms   p95 {pct(values, .95):7.2f} ms   max {max(values):7.2f} ms")
    print(f"{'bytes per poll':>24}: received {statistics.mean(received) / 1024:.0f} KB, stored {stored / 1024:.0f} KB (lz4)")
    print(f"{'history rows':>24}: money flow {rows[0]}, odds {rows[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
