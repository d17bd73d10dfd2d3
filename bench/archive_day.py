"""The archive measured on a simulated day: a day three NZ days ago
replayed into an emptied database (tabsim.replay), archived with
`python -m archive run`, then restored into a second database and
replayed. Prints the archive's size against the raw size (the COPY text
and staging's size on disk) and the times. Usage:

    python -m bench.archive_day --url <superuser URL> --restore-url <another, empty and deployed> \\
        --dir <directory> [--hours 2] [--form-size 15]

It empties the first database (tests.harness.empty_database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from tabsim.clock import SimClock, real_database_clock
from tabsim.model import REAL_FORM_SIZE
from tabsim.replay import replay
from tabsim.server import Simulator
from tests.harness import ROOT, empty_database, python


def archive(url: str, directory: Path, *args: str) -> tuple[float, list[dict]]:
    began = time.perf_counter()
    proc = subprocess.run(
        [python(), "-m", "archive", "--url", url, "--dir", str(directory), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - began, [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--restore-url", required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--form-size", type=int, default=REAL_FORM_SIZE)
    args = parser.parse_args()
    nz = ZoneInfo("Pacific/Auckland")
    day = datetime.now(nz).date() - timedelta(days=3)
    start = datetime.combine(day, clock_time(12, 0), nz).timestamp()
    with psycopg.connect(args.url, autocommit=True) as conn:
        empty_database(conn)
        sim = Simulator(
            11, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, form_size=args.form_size
        )
        stats = asyncio.run(
            replay(
                args.url,
                args.url.replace("postgres@", "raceday_fetcher@"),
                sim,
                start,
                start + args.hours * 3600,
            )
        )
        real_database_clock(conn)
        (on_disk,) = conn.execute("SELECT pg_total_relation_size('staging.raw_responses')").fetchone()
        (text_bytes,) = conn.execute("SELECT sum(octet_length(body)) FROM staging.raw_responses").fetchone()
    seconds, lines = archive(args.url, args.dir, "run")
    raw = next(x for x in lines if x["event"] == "archived" and x["kind"] == "raw")
    restore_seconds, back = archive(args.restore_url, args.dir, "restore", day.isoformat())
    print(
        json.dumps(
            {
                "hours": args.hours,
                "form_size": args.form_size,
                "polls": stats.polls,
                "rows": raw["rows"],
                "bodies_text_bytes": text_bytes,
                "staging_on_disk_bytes": on_disk,
                "copy_text_bytes": raw["raw_bytes"],
                "archive_bytes": raw["bytes"],
                "ratio_to_copy_text": round(raw["raw_bytes"] / raw["bytes"], 1),
                "ratio_to_staging_on_disk": round(on_disk / raw["bytes"], 1),
                "archive_seconds": round(raw["seconds"], 2),
                "archive_command_seconds": round(seconds, 2),
                "restore_command_seconds": round(restore_seconds, 2),
                "restore": back[-1],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
