"""python -m archive run|verify|restore: see docs/archive.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psycopg

from . import jobs


def log(line: dict) -> None:
    print(json.dumps(line), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__)
    parser.add_argument(
        "--url",
        default=os.environ.get("RACEDAY_ARCHIVE_DATABASE_URL"),
        help="libpq URL of a login that may SET ROLE raceday_owner (RACEDAY_ARCHIVE_DATABASE_URL)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=os.environ.get("RACEDAY_ARCHIVE_DIR"),
        help="the archive directory (RACEDAY_ARCHIVE_DIR)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="archive the finished days and detached partitions, verify, re-read old ones"
    )
    run.add_argument("--every", type=float, default=0, help="seconds between passes (0: one pass and exit)")
    check = sub.add_parser("verify", help="read archives back now and record the verdict")
    check.add_argument("day", nargs="?", help="YYYY-MM-DD: only this NZ racing day's")
    back = sub.add_parser("restore", help="load a day's raw archive into staging and replay it")
    back.add_argument("day", help="YYYY-MM-DD: the NZ racing day")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("--url (or RACEDAY_ARCHIVE_DATABASE_URL) is required")
    if not args.dir:
        parser.error("--dir (or RACEDAY_ARCHIVE_DIR) is required")
    try:
        with jobs.connect(args.url) as conn:
            if args.command == "restore":
                log({"event": "restored", **jobs.restore(conn, args.dir, args.day)})
                return 0
            if args.command == "verify":
                return 1 if jobs.verify(conn, args.dir, args.day, log) else 0
            while True:
                done = jobs.run(conn, args.dir, log)
                log(
                    {
                        "event": "pass",
                        "archived": len(done["archived"]),
                        "verified": done["verified"],
                        "failed": len(done["failed"]),
                    }
                )
                if heartbeat := os.environ.get("ARCHIVE_HEARTBEAT_FILE"):
                    Path(heartbeat).touch()  # compose's health check: a pass ended lately
                if not args.every:
                    return 1 if done["failed"] else 0
                time.sleep(args.every)
    except (psycopg.Error, OSError, ValueError) as err:
        print(f"archive: error: {str(err).strip()}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
