"""The API under load, and how soon a poll's rows can be read through it.

The API is what `make run` serves (tests.harness.ApiServer): PostgREST when
its binary is on the PATH (or POSTGREST_BIN), else the local gateway, with
the production configuration file. Load comes from wrk, a separate process,
at 1, 10 and 50 connections per endpoint; wrk_report.lua adds p95 to its
percentiles."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def wrk(url: str, clients: int, seconds: int) -> dict[str, float]:
    """requests, rps, p50/p95/p99/max in ms and errors (non-2xx included)."""
    out = subprocess.run(
        [
            "wrk",
            "-t1" if clients < 2 else "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^RESULT (.*)$", out, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no RESULT line:\n{out}")
    return {k: float(v) for k, v in (pair.split("=") for pair in found.group(1).split())}


class Watcher(threading.Thread):
    """A client that asks for a race's newest polling_timestamp as fast as
    the API answers, and notes when each new one first appears."""

    def __init__(self, base: str, race_id: str):
        super().__init__(name="bench-watcher", daemon=True)
        self.url = (
            f"{base}/money_flow_timeline?race_id=eq.{race_id}&select=polling_timestamp"
            f"&order=polling_timestamp.desc&limit=1"
        )
        self.seen: dict[str, float] = {}
        self.requests = 0
        self.errors = 0
        self._halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._halt.is_set():
                try:
                    response = client.get(self.url)
                    now = time.perf_counter()
                    self.requests += 1
                    rows = response.json() if response.status_code == 200 else None
                    if rows is None:
                        self.errors += 1
                    elif rows and rows[0]["polling_timestamp"] not in self.seen:
                        self.seen[rows[0]["polling_timestamp"]] = now
                except httpx.HTTPError:
                    self.errors += 1

    def stop(self) -> None:
        self._halt.set()
        self.join(15)
