"""Processes and helpers shared by the tests and the benchmarks: a free
port, waiting on a condition, and live run as `make run` runs it. The
benchmarks import it as tests.harness, the tests through conftest."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def ingest_meeting(conn, day, meeting, at: float) -> None:
    """Ingests a meetings page holding one of the simulated day's meetings,
    as it stood at `at`, so that its races exist for events ingested by hand."""
    from tabsim.payloads import meeting_json

    conn.execute("SELECT raceday.ingest_meetings(%s, now(), %s)", (json.dumps({
        "header": {"generated_time": "2026-07-16T20:00:00Z"}, "params": {"limit": 100},
        "data": {"meetings": [meeting_json(meeting, day, at)]}}),
        json.dumps({"target": f"meetings:{meeting.date}:0"})))


class LiveServer:
    """live (`python -m live`) run as `make run` runs it, as the API's role,
    on a free port; ready once it listens on the database (/ready)."""

    def __init__(self, database_url: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Files, not pipes: a pipe nobody reads would block live's next log
        # line. Open for the server's life, read by logs() and stderr().
        self.out = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self.err = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self.proc = subprocess.Popen([os.environ.get("PYTHON", sys.executable), "-m", "live"], stdout=self.out,
                                     stderr=self.err, text=True, env={
            **os.environ, "PYTHONPATH": str(ROOT),
            "RACEDAY_LIVE_DATABASE_URL": database_url.replace("postgres@", "authenticator@"),
            "LIVE_PORT": str(self.port), **env})
        wait_for(lambda: self.proc.poll() is not None or self.ready(), 30)
        if not self.ready():
            self.stop()
            raise RuntimeError(f"live did not become ready: {self.stderr()}")

    def ready(self) -> bool:
        try:
            return urllib.request.urlopen(f"{self.url}/ready", timeout=1).status == 200
        except OSError:
            return False

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/stats", timeout=5) as response:
            return json.load(response)

    def logs(self, event: str | None = None) -> list[dict]:
        """Its JSON log lines (stdout), those of one event if named."""
        lines = [json.loads(line) for line in _read_all(self.out).splitlines() if line.startswith("{")]
        return [line for line in lines if event is None or line["event"] == event]

    def stderr(self) -> str:
        return _read_all(self.err)

    def stop(self) -> int:
        """SIGTERM, as a container stop; killed if it does not exit. Its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def _read_all(file) -> str:
    """What a running child wrote to a file it shares with us. pread: moving
    the shared offset (seek) would make the child write over the start."""
    fd = file.fileno()
    return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")


# As root, headless, with nothing that reaches out to the network (the
# machine has none, and Chromium would keep trying).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,900"]


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's chromium and chromedriver (host packages), named so Selenium
    downloads nothing; a fresh profile; a viewport of exactly 1400x900."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="raceday-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
