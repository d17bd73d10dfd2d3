"""Test harness: one throw-away PostgreSQL 18 cluster per test run.

The session starts the checkout's `test` cluster from nothing, deploys the
sqitch plan into it, installs pgTAP, and removes the cluster at the end, so
tests share no state with a developer's database or with an earlier run and
leave no process behind. pgTAP files run inside a transaction they roll back.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from harness import LiveServer, free_port, ingest_meeting, wait_for  # noqa: F401 - tests import them from here

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "scripts" / "cluster.sh"
sys.path.insert(0, str(ROOT))          # tabsim and fetcher are imported from the checkout


def cluster(*args: str, instance: str = "test", env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run scripts/cluster.sh for a cluster of this checkout."""
    full_env = {**os.environ, "RACEDAY_INSTANCE": instance, **(env or {})}
    proc = subprocess.run(["bash", str(CLUSTER), *args], env=full_env, text=True,
                          capture_output=True, timeout=300)
    if check and proc.returncode != 0:
        raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc


def fresh_cluster(instance: str = "test", env: dict[str, str] | None = None, deploy: bool = True) -> str:
    """Starts a cluster from nothing (a crashed earlier run may have left it
    behind), deploys the plan into it unless told not to, and returns its
    URL. The caller destroys it."""
    cluster("destroy", instance=instance, env=env)
    cluster("start", instance=instance, env=env)
    if deploy:
        cluster("deploy", instance=instance, env=env)
    return cluster("url", instance=instance, env=env).stdout.strip().splitlines()[-1]


def toolchain_root() -> Path:
    """The sid root holding PostgreSQL 18, as scripts/lib.sh names it."""
    return Path(subprocess.run(["bash", "-c", 'source scripts/lib.sh && echo "$ROOT_DIR"'], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip())


def sqitch_target(url: str) -> str:
    """sqitch's name for a libpq URL."""
    return "db:pg:" + url.removeprefix("postgresql:")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    try:
        url = fresh_cluster()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        yield url
    finally:
        cluster("destroy", check=False)


@pytest.fixture(scope="session")
def pgtap_connection(database_url: str) -> Iterator[psycopg.Connection]:
    """Replaces pytest-pgtap's own fixture, which skips every pgTAP file
    silently when it cannot connect: here a missing database fails the run."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    """A superuser connection to the freshly deployed test database."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


# -- the pipeline: a clean database, the simulator, fetcher processes ------

# What TRUNCATE ... CASCADE empties; the history tables reference nothing, so they are named.
DATA_TABLES = ("raceday.meetings, raceday.poll_targets, staging.raw_responses, "
               "raceday.money_flow_history, raceday.odds_history, raceday.alert_configs, raceday.change_feed")


def empty_database(conn: psycopg.Connection) -> None:
    conn.execute(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE")
    conn.execute("DELETE FROM raceday.settings")
    conn.execute("INSERT INTO raceday.settings DEFAULT VALUES")


@pytest.fixture
def clean_db(database_url: str) -> Iterator[psycopg.Connection]:
    """The test database emptied of data and with default settings, for
    tests whose work must be committed (fetchers, restarts)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
        yield conn


def share_clock(conn: psycopg.Connection, sim) -> None:
    """Gives the database the simulator's clock, so the schedule and the
    simulated racing day agree on what time it is."""
    virtual0, real0, speed = sim.clock.anchor()
    conn.execute("""UPDATE raceday.settings SET clock_virtual = to_timestamp(%s), clock_real = to_timestamp(%s),
                    clock_speed = %s""", (virtual0, real0, speed))


@pytest.fixture
def tabsim_factory():
    """Starts simulators on free ports; all are stopped after the test."""
    from tabsim.clock import SimClock
    from tabsim.server import FaultRates, Simulator

    started = []

    def start(seed: int = 7, speed: float = 1.0, faults: str = "", **kw) -> Simulator:
        sim = Simulator(seed, SimClock(speed=speed), faults=FaultRates.parse(faults), **kw).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


class FetcherProcess:
    """A fetcher run as the real thing: `python -m fetcher` in a subprocess."""

    def __init__(self, database_url: str, api_url: str, worker: str, **env: str):
        self.env = {**os.environ, "PYTHONPATH": str(ROOT),
                    "RACEDAY_DATABASE_URL": database_url.replace("postgres@", "raceday_fetcher@"),
                    "NZTAB_API_URL": api_url, "FETCHER_WORKER": worker, "FETCHER_IDLE_S": "0.05", **env}
        # Logs go to files, not pipes: a pipe nobody reads fills up and
        # blocks the fetcher on its next log line.
        self.out = tempfile.TemporaryFile("w+")
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen([os.environ.get("PYTHON", sys.executable), "-m", "fetcher"], env=self.env,
                                     stdout=self.out, stderr=self.err, text=True)
        self.lines: list[dict] = []

    def stop(self, timeout: float = 30, signal_it: bool = True) -> int:
        if signal_it and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=timeout)
        self.out.seek(0)
        self.err.seek(0)
        out = self.out.read()
        self.stderr = self.err.read()
        self.lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def events(self, name: str) -> list[dict]:
        return [line for line in self.lines if line["event"] == name]


@pytest.fixture
def fetchers(database_url: str):
    """Starts fetcher processes; any left running are killed after the test."""
    running: list[FetcherProcess] = []

    def start(api_url: str, worker: str = "fetcher-1", **env: str) -> FetcherProcess:
        fp = FetcherProcess(database_url, api_url, worker, **env)
        running.append(fp)
        return fp

    yield start
    for fp in running:
        fp.kill()


# -- the API: PostgREST when its binary is found, else the gateway ----------

# The secret the API under test verifies tokens with (make run has its own).
JWT_SECRET = "raceday-test-secret-of-at-least-32-characters"


def user_token(sub: str, **claims) -> str:
    """A signed-in user's token, as `make token` or an identity provider issues one."""
    import jwt

    return jwt.encode({"sub": sub, "role": "web_user", "exp": int(time.time()) + 3600, **claims}, JWT_SECRET,
                      algorithm="HS256")

class ApiServer:
    """PostgREST (POSTGREST_BIN or `postgrest` on PATH) or the gateway, run
    as `make run` runs it: docker/postgrest.conf with PGRST_* overrides."""

    def __init__(self, database_url: str, gateway: bool = False, **env: str):
        """gateway=True: the gateway even where PostgREST is found (tests of the gateway itself)."""
        self.port, admin = free_port(), free_port()
        binary = None if gateway else os.environ.get("POSTGREST_BIN") or shutil.which("postgrest")
        self.kind = "postgrest" if binary else "gateway"
        conf = str(ROOT / "docker" / "postgrest.conf")
        command = [binary, conf] if binary else [os.environ.get("PYTHON", sys.executable), "-m", "gateway",
                                                  "--config", conf]
        self.log = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, text=True, env={
            **os.environ, "PYTHONPATH": str(ROOT), "PGRST_DB_URI": database_url.replace("postgres@", "authenticator@"),
            "PGRST_SERVER_PORT": str(self.port), "PGRST_ADMIN_SERVER_PORT": str(admin),
            "PGRST_JWT_SECRET": JWT_SECRET, **env})
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_url = f"http://127.0.0.1:{admin}/ready"
        wait_for(lambda: self.proc.poll() is not None or self.ready(), 30)
        if not self.ready():
            self.stop()
            raise RuntimeError(f"the {self.kind} did not become ready: {self.output()}")

    def ready(self) -> bool:
        try:
            return urllib.request.urlopen(self.ready_url, timeout=1).status == 200
        except OSError:
            return False

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# -- a database filled by a simulated racing day (tests/day) ---------------

DAY_HOURS = 1.5
DAY_FAULTS = "500=0.01,503=0.005,429=0.005,malformed=0.003,badvalue=0.003"


class Day:
    """A cluster of its own holding a replayed day: its URL and port."""

    def __init__(self, url: str, port: int):
        self.url, self.port = url, port


@pytest.fixture(scope="session")
def simulated_day() -> Iterator[Day]:
    """A cluster of its own (the `test` cluster's tests empty the tables as
    they go), deployed, then an hour and a half of racing replayed into it
    through the real schedule and the fetcher's database layer, with faults:
    5xx and 429 answers, bodies that are not JSON, and events the transform
    must quarantine. The day ends now, so views that measure age and lag
    against the clock see a pipeline that has just stopped."""
    from tabsim.replay import replay_until_now

    env = {"RACEDAY_PG_PORT": str(free_port())}
    try:
        url = fresh_cluster("day", env)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        _, stats = replay_until_now(url, url.replace("postgres@", "raceday_fetcher@"), DAY_HOURS, seed=3,
                                      form_size=3, faults=DAY_FAULTS)
        assert stats.polls > 1000, f"the replay made only {stats.polls} polls"
        yield Day(url, int(env["RACEDAY_PG_PORT"]))
    finally:
        cluster("destroy", instance="day", env=env, check=False)
