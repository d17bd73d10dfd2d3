"""Load on the API's core endpoint: a race's money-flow timeline, fetched by
many clients at once, from a database the real pipeline filled.

    python bench/api_load.py DATABASE_URL [--clients 50] [--seconds 20] [--fill 45]

Empties the database's raceday data, runs the simulator (40x clock) and a
fetcher for --fill seconds, starts the API as `make run` does (PostgREST if
its binary is found, else the gateway), then drives it with wrk and prints
requests per second and latency percentiles (p95 included) of:
  full         the whole timeline of the busiest race (a screen opening);
  new          what is new since a recent created_at (the client's poll);
  new, paced   the same, each client asking once a second."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tabsim.clock import SimClock  # noqa: E402
from tabsim.server import Simulator  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(url: str, seconds: float) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("TRUNCATE raceday.meetings, raceday.poll_targets, staging.raw_responses RESTART IDENTITY CASCADE")
        sim = Simulator(11, SimClock(speed=40), form_size=3).start()
        virtual0, real0, speed = sim.clock.anchor()
        db.execute("UPDATE raceday.settings SET clock_virtual = to_timestamp(%s), clock_real = to_timestamp(%s), "
                   "clock_speed = %s", (virtual0, real0, speed))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NZTAB_API_URL": sim.base_url, "FETCHER_IDLE_S": "0.02",
               "RACEDAY_DATABASE_URL": url.replace("postgres@", "raceday_fetcher@")}
        fetcher = subprocess.Popen([sys.executable, "-m", "fetcher"], env=env, stdout=subprocess.DEVNULL)
        print(f"filling: the pipeline runs {seconds:.0f} s ({seconds * 40 / 60:.0f} simulated minutes)", file=sys.stderr)
        time.sleep(seconds)
        fetcher.send_signal(signal.SIGTERM)
        fetcher.wait(30)
        sim.stop()
        db.execute("ANALYZE")


def start_api(url: str) -> tuple[subprocess.Popen, str, str]:
    port, admin = free_port(), free_port()
    binary = os.environ.get("POSTGREST_BIN") or shutil.which("postgrest")
    conf = str(ROOT / "docker" / "postgrest.conf")
    command = [binary, conf] if binary else [sys.executable, "-m", "gateway", "--config", conf]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={
        **os.environ, "PYTHONPATH": str(ROOT), "PGRST_DB_URI": url.replace("postgres@", "authenticator@"),
        "PGRST_SERVER_PORT": str(port), "PGRST_ADMIN_SERVER_PORT": str(admin)})
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{admin}/ready", timeout=1).status == 200:
                return proc, f"http://127.0.0.1:{port}", "postgrest" if binary else "gateway"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the API did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--fill", type=float, default=45)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench` installs it")
    fill(args.database_url, args.fill)
    with psycopg.connect(args.database_url) as db:
        race, rows = db.execute("""SELECT race_id, count(*) FROM api.money_flow_timeline GROUP BY 1
                                   ORDER BY 2 DESC LIMIT 1""").fetchone()
        since = db.execute("""SELECT created_at FROM api.money_flow_timeline WHERE race_id = %s
                              ORDER BY created_at DESC OFFSET 14 LIMIT 1""", (race,)).fetchone()[0]
    proc, base, kind = start_api(args.database_url)
    timeline = f"{base}/money_flow_timeline?race_id=eq.{race}"
    scenarios = [("full", f"{timeline}&order=entrant_id,time_interval.desc", 0),
                 ("new", f"{timeline}&created_at=gt.{quote(since.isoformat())}&order=created_at,id", 0),
                 ("new, paced", f"{timeline}&created_at=gt.{quote(since.isoformat())}&order=created_at,id", 1000)]
    try:
        print(f"{kind} at {base}; timeline of race {race}: {rows} rows", file=sys.stderr)
        for name, target, interval in scenarios:
            body = urllib.request.urlopen(target).read()
            out = subprocess.run(["wrk", "-t1", f"-c{args.clients}", f"-d{args.seconds}s", "-s",
                                  str(ROOT / "bench" / "wrk_report.lua"), target],
                                 env={**os.environ, "WRK_INTERVAL_MS": str(interval)},
                                 capture_output=True, text=True, check=True).stdout
            result = re.search(r"^RESULT (.*)$", out, re.M)
            print(f"{name:<11} {len(body):>7} bytes  {args.clients} clients, {args.seconds} s: "
                  f"{result.group(1) if result else out}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
