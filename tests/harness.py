"""Processes and helpers shared by the tests and the benchmarks: clusters
of this checkout, a free port, waiting on a condition, an emptied database
sharing the simulator's clock, and the project's processes (fetcher, API,
live) run as `make run` runs them. The tests import it as harness (pytest
puts tests/ on the path), the benchmarks as tests.harness; fixtures stay in
conftest.py."""

from __future__ import annotations

import contextlib
import json
import os
import random
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
CLUSTER = ROOT / "scripts" / "cluster.sh"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tabsim and fetcher are imported from the checkout


def python() -> str:
    """The interpreter the project's processes run on: the toolchain's (PYTHON) or this one."""
    return os.environ.get("PYTHON", sys.executable)


# -- clusters of this checkout ------------------------------------------------

# Under pytest-xdist each worker (gw0, gw1, ...) runs its tests on clusters of
# its own: its id ends their names, so workers never share data or a port.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


# Ports handed out to the tests' servers: below the kernel's range of local
# ports for outgoing connections (32768 and up by default), so that a port a
# test closes and opens again (a restarted cluster, a relay cut and restored)
# cannot be taken meanwhile by some connection of another test; and below the
# checkouts' ports (20000 and up: scripts/lib.sh).
PORTS = range(10000, 20000)


def free_port() -> int:
    """A port nothing listens on, from PORTS (any free one if the kernel's range overlaps them)."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.sample(PORTS, 200) if low >= PORTS.stop else []:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_instance(name: str) -> str:
    """The name of this worker's cluster called `name` (the name itself outside xdist)."""
    return name + WORKER


# The session's cluster: the checkout's `test` cluster on its own port, or a
# worker's, on a free port.
TEST_INSTANCE = worker_instance("test")
TEST_ENV = {"RACEDAY_PG_PORT": str(free_port())} if WORKER else {}


def cluster(
    *args: str, instance: str = TEST_INSTANCE, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run scripts/cluster.sh for a cluster of this checkout (the session's unless named)."""
    if instance == TEST_INSTANCE:
        env = {**TEST_ENV, **(env or {})}
    full_env = {**os.environ, "RACEDAY_INSTANCE": instance, **(env or {})}
    proc = subprocess.run(
        ["bash", str(CLUSTER), *args], env=full_env, text=True, capture_output=True, timeout=300
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc


# The plan deployed once (from nothing, verified) into a cluster that is then
# stopped: every deployed cluster of the session is a copy of it (a second,
# where a deploy takes ten).
TEMPLATE = worker_instance("template")
_template_made = False


def deployed_template() -> str:
    """TEMPLATE, made at the first call of the session: its name."""
    global _template_made
    if not _template_made:
        env = {"RACEDAY_PG_PORT": str(free_port())}
        cluster("destroy", instance=TEMPLATE, env=env)
        cluster("start", instance=TEMPLATE, env=env)
        cluster("deploy", instance=TEMPLATE, env=env)
        cluster("stop", instance=TEMPLATE, env=env)
        _template_made = True
    return TEMPLATE


def destroy_template() -> None:
    global _template_made
    cluster("destroy", instance=TEMPLATE, env={"RACEDAY_PG_PORT": str(free_port())}, check=False)
    _template_made = False


def fresh_cluster(
    instance: str = TEST_INSTANCE, env: dict[str, str] | None = None, deploy: bool = True
) -> str:
    """Starts a cluster from nothing (a crashed earlier run may have left it
    behind), with the plan deployed unless told not to (a copy of
    TEMPLATE), and returns its URL. The caller destroys it."""
    cluster("destroy", instance=instance, env=env)
    if deploy:
        cluster("clone", deployed_template(), instance=instance, env=env)
    cluster("start", instance=instance, env=env)
    return cluster("url", instance=instance, env=env).stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def own_cluster(instance: str, deploy: bool = True) -> Iterator[tuple[dict[str, str], str]]:
    """A cluster of its own on a free port, started from nothing and
    deployed unless told not to: (the environment naming it, its URL).
    Destroyed afterwards, whatever happened."""
    env = {"RACEDAY_PG_PORT": str(free_port())}
    try:
        yield env, fresh_cluster(instance, env, deploy)
    finally:
        cluster("destroy", instance=instance, env=env, check=False)


def lib_sh(name: str, env: dict[str, str] | None = None) -> str:
    """A variable as scripts/lib.sh sets it (paths of the toolchain, the
    development JWT secret): the scripts and the tests read one definition."""
    return subprocess.run(
        ["bash", "-c", f'source scripts/lib.sh && echo "${name}"'],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def toolchain_root() -> Path:
    """The sid root holding PostgreSQL 18, as scripts/lib.sh names it."""
    return Path(lib_sh("ROOT_DIR"))


def replay(url: str, hours: float, seed: int, form_size: int, min_polls: int = 0, **options):
    """Fills the database at url with the last `hours` of a simulated day,
    through the real schedule and the fetcher's database layer
    (tabsim.replay, as the fetcher's role), without sleeping; at least
    min_polls polls, or the test stops. Returns the replay's statistics."""
    from tabsim.replay import replay_until_now

    # Four connections, not the fetcher's two, and polls of several instants
    # in flight (overlap): each race's polls stay in order, and a fixture's
    # day is in sooner; it is the same day (tests/test_replay.py).
    _, stats = replay_until_now(
        url,
        url.replace("postgres@", "raceday_fetcher@"),
        hours,
        seed=seed,
        form_size=form_size,
        connections=4,
        overlap=True,
        **options,
    )
    assert stats.polls > min_polls, f"the replay made only {stats.polls} polls"
    return stats


def sqitch_target(url: str) -> str:
    """sqitch's name for a libpq URL."""
    return "db:pg:" + url.removeprefix("postgresql:")


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# -- the database's data ---------------------------------------------------------

# What TRUNCATE ... CASCADE empties; the history tables reference nothing, so they are named.
DATA_TABLES = (
    "raceday.meetings, raceday.poll_targets, staging.raw_responses, "
    "raceday.money_flow_history, raceday.odds_history, raceday.alert_configs, raceday.change_feed, "
    "raceday.archives"
)


def empty_database(conn) -> None:
    """No racing data, no alert settings, and default settings (the
    database's clock real time again)."""
    conn.execute(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE")
    conn.execute("DELETE FROM raceday.settings")
    conn.execute("INSERT INTO raceday.settings DEFAULT VALUES")


def share_clock(conn, sim) -> None:
    """Gives the database the simulator's clock, so the schedule and the
    simulated racing day agree on what time it is."""
    from tabsim.clock import share_database_clock

    share_database_clock(conn, sim.clock)


def pause_sweep(conn) -> None:
    """Pauses pg_cron's sweep: it would retry or rebuild races while a test compares them."""
    conn.execute(
        "SELECT cron.alter_job(jobid, active := false) FROM cron.job WHERE jobname = 'raceday-sweep'"
    )


def resume_sweep(conn) -> None:
    conn.execute("SELECT cron.alter_job(jobid, active := true) FROM cron.job WHERE jobname = 'raceday-sweep'")


@contextlib.contextmanager
def sweep_paused(conn) -> Iterator[None]:
    """pg_cron's sweep paused, and running again afterwards whatever happened."""
    pause_sweep(conn)
    try:
        yield
    finally:
        resume_sweep(conn)


# Every derived table, as text, without the columns a rebuild may renumber
# (identity ids) or re-stamp (created_at, updated_at).
CHECKSUMS = {
    "money_flow_history": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s',
        race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type, hold_percentage, bet_percentage,
        win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage, incremental_win_amount,
        incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds, pool_win_odds,
        pool_place_odds, event_timestamp, polling_timestamp), ',' ORDER BY race_id, entrant_id, event_timestamp)),
        count(*) FROM raceday.money_flow_history""",
    "money_flow_latest": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s', race_id, entrant_id, time_interval,
        staging_id, win_pool_amount, event_timestamp), ',' ORDER BY race_id, entrant_id, time_interval)), count(*)
        FROM raceday.money_flow_latest""",
    "race_alerts": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s', race_id, entrant_id, time_interval,
        kind, value, share, evidence, staging_id, observed_at), ',' ORDER BY race_id, entrant_id, time_interval, kind)),
        count(*) FROM raceday.race_alerts""",
    "odds_history": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s', race_id, entrant_id, staging_id, odds_type, odds,
        event_timestamp), ',' ORDER BY entrant_id, odds_type, event_timestamp)), count(*) FROM raceday.odds_history""",
    "entrants": """SELECT md5(string_agg((to_jsonb(e) - 'created_at' - 'updated_at')::text, ',' ORDER BY entrant_id)),
        count(*) FROM raceday.entrants e""",
    "race_pools": """SELECT md5(string_agg((to_jsonb(p) - 'created_at' - 'updated_at')::text, ',' ORDER BY race_id)),
        count(*) FROM raceday.race_pools p""",
    "race_results": """SELECT md5(string_agg((to_jsonb(r) - 'created_at' - 'updated_at')::text, ',' ORDER BY race_id)),
        count(*) FROM raceday.race_results r""",
    "poll_quality": """SELECT md5(string_agg((to_jsonb(q) - 'created_at')::text, ',' ORDER BY staging_id)), count(*)
        FROM raceday.poll_quality q""",
    "races": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', race_id, status, actual_start,
        last_status_change, finalized_at, abandoned_at, last_poll_time, track_direction, track_surface, rail_position),
        ',' ORDER BY race_id)), count(*) FROM raceday.races""",
}


def checksums(conn) -> dict[str, tuple]:
    return {name: conn.execute(sql).fetchone() for name, sql in CHECKSUMS.items()}


def reprocess_every_race(conn) -> tuple[int, int]:
    """Rebuilds every race from staging (raceday.reprocess): (event polls
    replayed, event polls stored with a body); equal when none was left out."""
    races = [r for (r,) in conn.execute("SELECT race_id FROM raceday.races ORDER BY race_id")]
    replayed = sum(conn.execute("SELECT raceday.reprocess(%s)", (r,)).fetchone()[0] for r in races)
    (stored,) = conn.execute(
        "SELECT count(*) FROM staging.raw_responses WHERE kind = 'event' AND body IS NOT NULL"
    ).fetchone()
    return replayed, stored


def ingest_meeting(conn, day, meeting, at: float) -> None:
    """Ingests a meetings page holding one of the simulated day's meetings,
    as it stood at `at`, so that its races exist for events ingested by hand."""
    from tabsim.payloads import meeting_json

    conn.execute(
        "SELECT raceday.ingest_meetings(%s, now(), %s)",
        (
            json.dumps(
                {
                    "header": {"generated_time": "2026-07-16T20:00:00Z"},
                    "params": {"limit": 100},
                    "data": {"meetings": [meeting_json(meeting, day, at)]},
                }
            ),
            json.dumps({"target": f"meetings:{meeting.date}:0"}),
        ),
    )


# -- the project's processes ---------------------------------------------------


def _read(file, offset: int = 0) -> bytes:
    """What a running child wrote to a file it shares with us, from `offset`.
    pread: moving the shared offset (seek) would make the child write over
    the start."""
    fd = file.fileno()
    return os.pread(fd, max(0, os.fstat(fd).st_size - offset), offset)


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


class Process:
    """One of the project's processes, its stdout and stderr in files, not
    pipes: a pipe nobody reads would block its next log line. The files stay
    open for the process's life and can be read while it runs."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.out = tempfile.TemporaryFile("w+")
        self.err = tempfile.TemporaryFile("w+")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self.proc = subprocess.Popen(command, stdout=self.out, stderr=self.err, text=True, env=self.env)
        self._read_to = 0

    @property
    def stdout(self) -> str:
        return _read(self.out).decode(errors="replace")

    @property
    def stderr(self) -> str:
        return _read(self.err).decode(errors="replace")

    def logs(self, event: str | None = None) -> list[dict]:
        """Its JSON log lines (stdout), those of one event if named."""
        return [line for line in _json_lines(self.stdout) if event is None or line["event"] == event]

    def new_logs(self) -> list[dict]:
        """The JSON log lines written since the last call; a line half
        written is left for the next."""
        text = _read(self.out, self._read_to)
        whole = text[: text.rfind(b"\n") + 1]
        self._read_to += len(whole)
        return _json_lines(whole.decode(errors="replace"))

    def ready(self) -> bool:
        """Its readiness URL (ready_url, set by a server) answers 200."""
        try:
            return urllib.request.urlopen(self.ready_url, timeout=1).status == 200
        except OSError:
            return False

    def wait_ready(self, what: str) -> None:
        """Waits up to 30 s for ready(); stopped, and RuntimeError with what
        it wrote, if it exits or is not ready by then."""
        wait_for(lambda: self.proc.poll() is not None or self.ready(), 30)
        if not self.ready():
            self.stop()
            raise RuntimeError(f"{what} did not become ready: {self.stdout}{self.stderr}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, as a container stop; killed if it does not exit. Its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode


class FetcherProcess(Process):
    """A fetcher run as the real thing: `python -m fetcher`, as its own
    database role."""

    def __init__(self, database_url: str, api_url: str, worker: str, **env: str):
        self.worker = worker
        super().__init__(
            [python(), "-m", "fetcher"],
            {
                "RACEDAY_DATABASE_URL": database_url.replace("postgres@", "raceday_fetcher@"),
                "NZTAB_API_URL": api_url,
                "FETCHER_WORKER": worker,
                "FETCHER_IDLE_S": "0.05",
                **env,
            },
        )

    @property
    def lines(self) -> list[dict]:
        return self.logs()

    def events(self, name: str) -> list[dict]:
        return self.logs(name)

    def stop(self, timeout: float = 30, signal_it: bool = True) -> int:
        """SIGTERM (unless signal_it is False: it was killed) and its exit
        code. One that does not exit in time is left running and
        TimeoutExpired raised, so a test can fail with its last words."""
        if signal_it and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


# The secret the API under test verifies tokens with (make run has its own).
JWT_SECRET = "raceday-test-secret-of-at-least-32-characters"


def user_token(sub: str, **claims) -> str:
    """A signed-in user's token, as `make token` or an identity provider issues one."""
    import jwt

    return jwt.encode(
        {"sub": sub, "role": "web_user", "exp": int(time.time()) + 3600, **claims},
        JWT_SECRET,
        algorithm="HS256",
    )


class ApiServer(Process):
    """PostgREST (POSTGREST_BIN or `postgrest` on PATH) or the gateway, run
    as `make run` runs it, as the authenticator: docker/postgrest.conf with
    PGRST_* overrides, on free ports."""

    def __init__(self, database_url: str, gateway: bool = False, **env: str):
        """gateway=True: the gateway even where PostgREST is found (tests of the gateway itself)."""
        self.port, admin = free_port(), free_port()
        binary = None if gateway else os.environ.get("POSTGREST_BIN") or shutil.which("postgrest")
        self.kind = "postgrest" if binary else "gateway"
        conf = str(ROOT / "docker" / "postgrest.conf")
        super().__init__(
            [binary, conf] if binary else [python(), "-m", "gateway", "--config", conf],
            {
                "PGRST_DB_URI": database_url.replace("postgres@", "authenticator@"),
                "PGRST_SERVER_PORT": str(self.port),
                "PGRST_ADMIN_SERVER_PORT": str(admin),
                "PGRST_JWT_SECRET": JWT_SECRET,
                **env,
            },
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_url = f"http://127.0.0.1:{admin}/ready"
        self.wait_ready(f"the {self.kind}")

    def output(self) -> str:
        """All it wrote, stdout then stderr."""
        return self.stdout + self.stderr


class LiveServer(Process):
    """live (`python -m live`) run as `make run` runs it, as the API's role,
    on a free port; ready once it listens on the database (/ready)."""

    def __init__(self, database_url: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_url = f"{self.url}/ready"
        super().__init__(
            [python(), "-m", "live"],
            {
                "RACEDAY_LIVE_DATABASE_URL": database_url.replace("postgres@", "authenticator@"),
                "LIVE_PORT": str(self.port),
                **env,
            },
        )
        self.wait_ready("live")

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/stats", timeout=5) as response:
            return json.load(response)


# As root, headless, with nothing that reaches out to the network (the
# machine has none, and Chromium would keep trying).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
]


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
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
