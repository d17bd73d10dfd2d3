"""Fixtures: one throw-away PostgreSQL 18 cluster per test run, and what
runs on it. The helpers they use, which the benchmarks share, are in
harness.py.

The session deploys the sqitch plan from nothing into a template cluster
(harness.TEMPLATE), starts the checkout's `test` cluster as a copy of it,
installs pgTAP, and removes both at the end, so tests share no state with a
developer's database or with an earlier run and leave no process behind.
Scratch clusters that tests start deployed are copies of the template too.
pgTAP files run inside a transaction they roll back.

Under pytest-xdist (make test runs three workers) each worker has its own
template, `test` cluster and scratch clusters (harness.worker_instance).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from harness import (
    FetcherProcess,
    cluster,
    destroy_template,
    empty_database,
    fresh_cluster,
    own_cluster,
    replay,
    sweep_paused,
    worker_instance,
)


@pytest.fixture(scope="session", autouse=True)
def template() -> Iterator[None]:
    """Removes the session's deployed template cluster (harness.TEMPLATE), if one was made."""
    yield
    destroy_template()


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


@pytest.fixture
def rolled_back(database_url: str) -> Iterator[psycopg.Connection]:
    """A superuser connection whose work is one transaction, rolled back at
    the end whether the test passed or not: nothing it did is left."""
    with psycopg.connect(database_url) as conn:
        yield conn
        conn.rollback()


# -- the pipeline: a clean database, the simulator, fetcher processes ------


@pytest.fixture
def clean_db(database_url: str) -> Iterator[psycopg.Connection]:
    """The test database emptied of data and with default settings, for
    tests whose work must be committed (fetchers, restarts); emptied again
    afterwards, as the pgTAP files that may run later expect it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
        yield conn
        empty_database(conn)


@pytest.fixture
def quiet_db(clean_db: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """clean_db with pg_cron's sweep paused, so that only the test sweeps or
    rebuilds races; it runs again after the test, whatever its outcome."""
    with sweep_paused(clean_db):
        yield clean_db


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


# -- a database filled by a simulated racing day (tests/day) ---------------

DAY_HOURS = 1.5
DAY_FAULTS = "500=0.01,503=0.005,429=0.005,malformed=0.003,badvalue=0.003"


class Day:
    """A cluster of its own holding a replayed day: its URL, port and instance name."""

    def __init__(self, url: str, port: int, instance: str):
        self.url, self.port, self.instance = url, port, instance


@pytest.fixture(scope="session")
def simulated_day() -> Iterator[Day]:
    """A cluster of its own (the `test` cluster's tests empty the tables as
    they go), deployed, then an hour and a half of racing replayed into it
    through the real schedule and the fetcher's database layer, with faults:
    5xx and 429 answers, bodies that are not JSON, and events the transform
    must quarantine. The day ends now, so views that measure age and lag
    against the clock see a pipeline that has just stopped."""
    instance = worker_instance("day")
    with own_cluster(instance) as (env, url):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
            # No autovacuum: its ANALYZE of a partition replaces the row
            # counts the backends reported (ops.partitions' live_rows, which
            # test_ops_partitions.sql adds up) with an estimate from a sample,
            # inexact once a partition holds more rows than the sample; when
            # it runs depends on how long the replay takes on a busy machine.
            conn.execute("ALTER SYSTEM SET autovacuum = off")
            conn.execute("SELECT pg_reload_conf()")
        replay(url, DAY_HOURS, seed=3, form_size=3, min_polls=1000, faults=DAY_FAULTS)
        yield Day(url, int(env["RACEDAY_PG_PORT"]), instance)


# -- workers (pytest-xdist) ----------------------------------------------------

# The groups that take longest, longest first (measured with --durations,
# setup included): the workers take the groups in collection order, so these
# start first and the short ones fill in around them, and no long one is left
# to run alone at the end.
LONGEST_FIRST = (
    "day",
    "tests/test_api_fuzz.py",
    "tests/test_fault_matrix.py",
    "tests/test_fetcher.py",
    "tests/test_shadow.py",
    "tests/test_two_fetchers.py",
    "tests/test_soak.py",
    "tests/test_sqitch_plan.py",
    "tests/test_make_run.py",
    "tests/test_archive.py",
    "tests/test_live.py",
    "tests/test_api_http.py",
    "tests/test_metrics.py",
    "tests/test_replay.py",
)


def group_of(nodeid: str) -> str:
    """The tests that run on one worker: tests/day's share the simulated day
    (a session fixture, built once); a module's share its module fixtures
    and the scratch clusters its scripts name (make shadow's, for one)."""
    path = nodeid.split("::")[0]
    return "day" if path.startswith("tests/day/") else path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest groups first, each group's tests together in their order."""
    rank = {group: i for i, group in enumerate(LONGEST_FIRST)}
    order = {item.nodeid: i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(group_of(item.nodeid), len(rank)), order[item.nodeid]))


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadscope, with group_of as the scope: a group goes to one
    worker whole. (xdist's loadgroup, which reads marks, cannot be used:
    the node ids it renames are read-only on this pytest.)"""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return GroupScheduling(config, log)
