"""The fetcher against the simulator over real HTTP and a real PostgreSQL 18:
retries per fault, nothing lost, clean stop, database restarts, filtering."""

from __future__ import annotations

import time

import psycopg
import pytest

from conftest import cluster, free_port, fresh_cluster, wait_for

FAST = {"FETCHER_BACKOFF_S": "0.05", "FETCHER_TIMEOUT_S": "1"}


def stored_responses(conn: psycopg.Connection) -> int:
    """Responses the database holds that came with an HTTP status (repeats of
    the same data are counted on their row)."""
    return conn.execute("SELECT coalesce(sum(seen_count), 0) FROM staging.raw_responses "
                        "WHERE http_status IS NOT NULL").fetchone()[0]


def attempts_of_first_meetings_poll(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("""SELECT attempt, http_status, fetch_error, length(body_raw), received_at
                           FROM staging.raw_responses WHERE kind = 'meetings' ORDER BY id""").fetchall()


@pytest.mark.parametrize("fault, attempts, status", [
    ("500", 3, 500), ("502", 3, 502), ("503", 3, 503), ("429", 3, 429), ("hang", 3, None),
])
def test_retryable_fault_is_retried_then_recorded(clean_db, tabsim_factory, fetchers, fault, attempts, status):
    sim = tabsim_factory(faults=f"{fault}=1.0", form_size=2)
    sim.faults.hang_s = 3
    fp = fetchers(sim.base_url, **FAST)
    assert wait_for(lambda: len(attempts_of_first_meetings_poll(clean_db)) >= attempts, timeout=20)
    assert fp.proc.poll() is None, "the fetcher died on a fault"
    assert fp.stop() == 0
    rows = attempts_of_first_meetings_poll(clean_db)[:attempts]
    assert [r[0] for r in rows] == list(range(1, attempts + 1))
    assert all(r[1] == status for r in rows)
    assert all(r[2] for r in rows), "a failed attempt has no error"
    poll = fp.events("poll")[0]
    assert poll["attempt"] == attempts and poll["status"] == status
    assert stored_responses(clean_db) == sim.total_served()


def test_429_honours_retry_after(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="429=1.0", form_size=2)
    sim.faults.retry_after_s = 1
    fp = fetchers(sim.base_url, **FAST)
    assert wait_for(lambda: len(attempts_of_first_meetings_poll(clean_db)) >= 3, timeout=20)
    assert fp.stop() == 0
    times = [r[4] for r in attempts_of_first_meetings_poll(clean_db)[:3]]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.95, f"Retry-After: 1 was not honoured: {gaps}"


@pytest.mark.parametrize("fault", ["malformed", "truncated", "empty", "404"])
def test_non_retryable_outcome_is_recorded_once(clean_db, tabsim_factory, fetchers, fault):
    sim = tabsim_factory(faults="" if fault == "404" else f"{fault}=1.0", form_size=2)
    api = sim.base_url + ("/nowhere" if fault == "404" else "")
    fp = fetchers(api, **FAST)
    assert wait_for(lambda: len(attempts_of_first_meetings_poll(clean_db)) >= 1, timeout=20)
    time.sleep(0.5)                       # a wrong retry would arrive now
    assert fp.stop() == 0
    rows = attempts_of_first_meetings_poll(clean_db)
    assert len(rows) == 1 and rows[0][0] == 1
    attempt, status, error, body_length, _ = rows[0]
    if fault == "404":
        assert status == 404 and error == "HTTP 404"
    else:
        assert status == 200 and error.startswith("invalid JSON")
        # What came is kept as text, even when it is nothing at all.
        assert body_length == 0 if fault == "empty" else body_length > 100
    assert stored_responses(clean_db) == sim.total_served()


def test_latency_is_only_slow(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="latency=1.0", form_size=2)
    fp = fetchers(sim.base_url, **FAST)
    assert wait_for(lambda: clean_db.execute(
        "SELECT count(*) FROM staging.raw_responses WHERE kind = 'event'").fetchone()[0] >= 5, timeout=30)
    assert fp.stop() == 0
    assert clean_db.execute("SELECT count(*) FROM staging.raw_responses WHERE fetch_error IS NOT NULL").fetchone()[0] == 0
    assert min(p["fetch_ms"] for p in fp.events("poll")) >= 190


def test_mixed_faults_lose_nothing(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="500=0.1,429=0.05,malformed=0.05,truncated=0.05,empty=0.05,hang=0.03,latency=0.1",
                         form_size=4)
    sim.faults.hang_s = 2
    sim.faults.retry_after_s = 0
    fp = fetchers(sim.base_url, **FAST)
    time.sleep(12)
    assert fp.stop() == 0
    assert len(fp.events("poll")) > 50
    assert fp.events("poll_crashed") == []
    assert stored_responses(clean_db) == sim.total_served()
    kinds = dict(clean_db.execute("""SELECT coalesce(split_part(fetch_error, ':', 1), 'ok'), count(*)
                                     FROM staging.raw_responses GROUP BY 1""").fetchall())
    assert {"ok", "HTTP 500", "invalid JSON", "timeout"} <= set(kinds), kinds
    leased = clean_db.execute("SELECT count(*) FROM raceday.poll_targets WHERE lease_owner IS NOT NULL").fetchone()[0]
    assert leased == 0, "a stopped fetcher kept leases"


def test_sigterm_finishes_in_flight_and_releases(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="latency=1.0", form_size=2)
    sim.faults.latency_ms = 1500
    fp = fetchers(sim.base_url, FETCHER_TIMEOUT_S="5")
    assert wait_for(lambda: clean_db.execute(
        "SELECT count(*) FROM raceday.poll_targets WHERE kind = 'event' AND lease_owner IS NOT NULL").fetchone()[0] > 0,
        timeout=30)
    assert fp.stop() == 0
    stopped = fp.events("stopped")[0]
    assert fp.events("stopping")[0]["in_flight"] > 0
    assert clean_db.execute("SELECT count(*) FROM raceday.poll_targets WHERE lease_owner IS NOT NULL").fetchone()[0] == 0
    assert stored_responses(clean_db) == sim.total_served()
    assert stopped["polls"] == len(fp.events("poll"))


def test_bad_configuration_stops_with_one_line(tabsim_factory, fetchers):
    for name, value in [("FETCHER_CONCURRENCY", "0"), ("FETCHER_TIMEOUT_S", "soon"), ("NZTAB_API_URL", "ftp://x"),
                        ("NZTAB_API_URL", "http://api.tab.co.nz/affiliates/v1"), ("NZTAB_FROM", "not-an-email")]:
        fp = fetchers("http://127.0.0.1:9/affiliates/v1", **{name: value})
        assert fp.stop(signal_it=False) == 2
        lines = fp.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"fetcher: error: {name}:"), fp.stderr


def test_only_nz_and_aus_horses_are_polled(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(form_size=2)
    fp = fetchers(sim.base_url, **FAST)
    in_scope = {r.race_id for r in sim.day.races.values() if r.country in ("NZ", "AUS") and r.category in "TH"}
    assert wait_for(lambda: clean_db.execute(
        "SELECT count(DISTINCT target) FROM staging.raw_responses WHERE kind = 'event'").fetchone()[0] >= len(in_scope),
        timeout=60)
    assert fp.stop() == 0
    polled = {t for (t,) in clean_db.execute("SELECT DISTINCT target FROM staging.raw_responses WHERE kind = 'event'")}
    assert polled == in_scope
    others = {r.race_id for r in sim.day.races.values()} - in_scope
    assert others and not polled & others
    assert clean_db.execute("SELECT count(*) FROM raceday.meetings WHERE category = 'G' OR country NOT IN ('NZ', 'AUS')"
                            ).fetchone()[0] == 0


@pytest.fixture
def scratch_cluster():
    """A cluster of its own, deployed, that a test may restart at will."""
    env = {"RACEDAY_PG_PORT": str(free_port())}
    try:
        yield env, fresh_cluster("restart", env)
    finally:
        cluster("destroy", instance="restart", env=env, check=False)


def test_database_restart_loses_nothing(scratch_cluster, tabsim_factory):
    from conftest import FetcherProcess
    env, url = scratch_cluster
    sim = tabsim_factory(form_size=2)
    fp = FetcherProcess(url, sim.base_url, "restarter", **FAST)
    try:
        def events() -> int:
            with psycopg.connect(url) as conn:
                return conn.execute("SELECT count(*) FROM staging.raw_responses WHERE kind = 'event'").fetchone()[0]

        assert wait_for(lambda: events() >= 5, timeout=30)
        cluster("stop", instance="restart", env=env)
        time.sleep(2)
        cluster("start", instance="restart", env=env)
        before = events()
        assert wait_for(lambda: events() > before + 5, timeout=60), "the fetcher did not recover"
        assert fp.stop() == 0
    finally:
        fp.kill()
    warnings = {line["event"] for line in fp.lines if line["level"] == "warning"}
    assert warnings & {"db_lost", "db_unavailable", "claim_failed"}
    with psycopg.connect(url) as conn:
        assert stored_responses(conn) == sim.total_served()


def test_heartbeat_file_is_touched_while_the_loop_runs(clean_db, tabsim_factory, fetchers, tmp_path):
    """The container health check reads the file's age: fresh while the
    fetcher runs, even with the database's work going on, and left alone
    once it stops."""
    beat = tmp_path / "fetcher.alive"
    sim = tabsim_factory(form_size=2)
    fp = fetchers(sim.base_url, FETCHER_HEARTBEAT_FILE=str(beat), **FAST)
    assert wait_for(beat.exists, timeout=10)
    first = beat.stat().st_mtime
    assert wait_for(lambda: beat.stat().st_mtime > first, timeout=5), "the heartbeat did not move"
    assert time.time() - beat.stat().st_mtime < 3
    assert fp.stop() == 0
    stopped = beat.stat().st_mtime
    time.sleep(1.5)
    assert beat.stat().st_mtime == stopped
