"""The fetcher against the simulator over real HTTP and a real PostgreSQL 18:
retries per fault, nothing lost, clean stop, database restarts, filtering."""

from __future__ import annotations

import time

import psycopg
import pytest

from harness import FetcherProcess, cluster, own_cluster, wait_for, worker_instance

FAST = {"FETCHER_BACKOFF_S": "0.05", "FETCHER_TIMEOUT_S": "1"}


def stored_responses(conn: psycopg.Connection) -> int:
    """Responses the database holds that came with an HTTP status (repeats of
    the same data are counted on their row)."""
    return conn.execute(
        "SELECT coalesce(sum(seen_count), 0) FROM staging.raw_responses WHERE http_status IS NOT NULL"
    ).fetchone()[0]


def attempts_of_first_meetings_poll(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("""SELECT attempt, http_status, fetch_error, length(body_raw), received_at
                           FROM staging.raw_responses WHERE kind = 'meetings' ORDER BY id""").fetchall()


@pytest.mark.parametrize(
    "fault, attempts, status",
    [
        ("500", 3, 500),
        ("502", 3, 502),
        ("503", 3, 503),
        ("429", 3, 429),
        ("hang", 3, None),
    ],
)
def test_retryable_fault_is_retried_then_recorded(
    clean_db, tabsim_factory, fetchers, fault, attempts, status
):
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
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.95, f"Retry-After: 1 was not honoured: {gaps}"


@pytest.mark.parametrize("fault", ["malformed", "truncated", "empty", "404"])
def test_non_retryable_outcome_is_recorded_once(clean_db, tabsim_factory, fetchers, fault):
    sim = tabsim_factory(faults="" if fault == "404" else f"{fault}=1.0", form_size=2)
    api = sim.base_url + ("/nowhere" if fault == "404" else "")
    fp = fetchers(api, **FAST)
    assert wait_for(lambda: len(attempts_of_first_meetings_poll(clean_db)) >= 1, timeout=20)
    time.sleep(0.5)  # a wrong retry would arrive now
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
    assert wait_for(
        lambda: (
            clean_db.execute("SELECT count(*) FROM staging.raw_responses WHERE kind = 'event'").fetchone()[0]
            >= 5
        ),
        timeout=30,
    )
    assert fp.stop() == 0
    assert (
        clean_db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE fetch_error IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    assert min(p["fetch_ms"] for p in fp.events("poll")) >= 190


def test_mixed_faults_lose_nothing(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(
        faults="500=0.1,429=0.05,malformed=0.05,truncated=0.05,empty=0.05,hang=0.03,latency=0.1", form_size=4
    )
    sim.faults.hang_s = 2
    sim.faults.retry_after_s = 0
    fp = fetchers(sim.base_url, **FAST)
    # Until every kind of outcome checked below has been stored (not a fixed
    # wait: the checks after the stop decide).
    kinds_sql = "SELECT DISTINCT coalesce(split_part(fetch_error, ':', 1), 'ok') FROM staging.raw_responses"
    wait_for(
        lambda: (
            clean_db.execute("SELECT count(*) FROM staging.raw_responses").fetchone()[0] > 60
            and {"ok", "HTTP 500", "invalid JSON", "timeout"} <= {k for (k,) in clean_db.execute(kinds_sql)}
        ),
        30,
    )
    assert fp.stop() == 0
    assert len(fp.events("poll")) > 50
    assert fp.events("poll_crashed") == []
    assert stored_responses(clean_db) == sim.total_served()
    kinds = dict(
        clean_db.execute("""SELECT coalesce(split_part(fetch_error, ':', 1), 'ok'), count(*)
                                     FROM staging.raw_responses GROUP BY 1""").fetchall()
    )
    assert {"ok", "HTTP 500", "invalid JSON", "timeout"} <= set(kinds), kinds
    leased = clean_db.execute(
        "SELECT count(*) FROM raceday.poll_targets WHERE lease_owner IS NOT NULL"
    ).fetchone()[0]
    assert leased == 0, "a stopped fetcher kept leases"


def test_sigterm_finishes_in_flight_and_releases(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(faults="latency=1.0", form_size=2)
    sim.faults.latency_ms = 1500
    fp = fetchers(sim.base_url, FETCHER_TIMEOUT_S="5")
    assert wait_for(
        lambda: (
            clean_db.execute(
                "SELECT count(*) FROM raceday.poll_targets WHERE kind = 'event' AND lease_owner IS NOT NULL"
            ).fetchone()[0]
            > 0
        ),
        timeout=30,
    )
    assert fp.stop() == 0
    stopped = fp.events("stopped")[0]
    assert fp.events("stopping")[0]["in_flight"] > 0
    assert (
        clean_db.execute(
            "SELECT count(*) FROM raceday.poll_targets WHERE lease_owner IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    assert stored_responses(clean_db) == sim.total_served()
    assert stopped["polls"] == len(fp.events("poll"))


def test_bad_configuration_stops_with_one_line(fetchers):
    for name, value in [
        ("FETCHER_CONCURRENCY", "0"),
        ("FETCHER_TIMEOUT_S", "soon"),
        ("NZTAB_API_URL", "ftp://x"),
        ("NZTAB_API_URL", "http://api.tab.co.nz/affiliates/v1"),
        ("NZTAB_FROM", "not-an-email"),
        ("FETCHER_MAX_BODY_BYTES", "0"),
        ("FETCHER_DEADLINE_S", "-1"),
        ("FETCHER_FAILED_BODY_BYTES", "lots"),
    ]:
        fp = fetchers("http://127.0.0.1:9/affiliates/v1", **{name: value})
        assert fp.stop(signal_it=False) == 2
        lines = fp.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"fetcher: error: {name}:"), fp.stderr


def test_only_nz_and_aus_horses_are_polled(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(form_size=2)
    fp = fetchers(sim.base_url, **FAST)
    in_scope = {
        r.race_id for r in sim.day.races.values() if r.country in ("NZ", "AUS") and r.category in "TH"
    }
    assert wait_for(
        lambda: (
            clean_db.execute(
                "SELECT count(DISTINCT target) FROM staging.raw_responses WHERE kind = 'event'"
            ).fetchone()[0]
            >= len(in_scope)
        ),
        timeout=60,
    )
    assert fp.stop() == 0
    polled = {
        t
        for (t,) in clean_db.execute("SELECT DISTINCT target FROM staging.raw_responses WHERE kind = 'event'")
    }
    assert polled == in_scope
    others = {r.race_id for r in sim.day.races.values()} - in_scope
    assert others and not polled & others
    assert (
        clean_db.execute(
            "SELECT count(*) FROM raceday.meetings WHERE category = 'G' OR country NOT IN ('NZ', 'AUS')"
        ).fetchone()[0]
        == 0
    )


# -- bounds of an attempt: body size, deadline, what a failure keeps ----------

CAP = 1 << 20
BOUNDED = {**FAST, "FETCHER_MAX_BODY_BYTES": str(CAP), "FETCHER_FAILED_BODY_BYTES": "4096"}


def first_poll_rows(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("""SELECT attempt, http_status, fetch_error, octet_length(body_raw), body_bytes
                           FROM staging.raw_responses WHERE kind = 'meetings' ORDER BY id""").fetchall()


@pytest.mark.parametrize("fault", ["huge", "gzipbomb"])
def test_body_over_the_cap_is_a_failure_kept_truncated(clean_db, tabsim_factory, fetchers, fault):
    """A body larger than FETCHER_MAX_BODY_BYTES once decoded (sent whole, or
    as a small gzip stream) is abandoned at the cap: a failed fetch with its
    status, never retried (the same URL would send it again), its head kept
    and its size recorded (declared, or at least the cap)."""
    sim = tabsim_factory(faults=f"{fault}=1.0", form_size=2)
    sim.faults.huge_bytes = 3 * CAP
    sim.faults.bomb_bytes = 8 * CAP
    fp = fetchers(sim.base_url, **BOUNDED)
    assert wait_for(lambda: len(first_poll_rows(clean_db)) >= 1, timeout=20)
    assert fp.stop() == 0
    (attempt, status, error, kept, size), *more = first_poll_rows(clean_db)
    assert not more and (attempt, status) == (1, 200)
    assert error == f"body larger than {CAP} bytes"
    assert kept == 4096
    assert size == 3 * CAP if fault == "huge" else size > CAP
    poll = fp.events("poll")[0]
    assert poll["attempt"] == 1 and poll["error"] == error, "a body over the cap was retried"
    assert stored_responses(clean_db) == sim.total_served()


def test_trickle_past_the_deadline_is_a_timeout_retried(clean_db, tabsim_factory, fetchers):
    """A server that sends a piece every 0.1 s never trips the per-read
    timeout; the deadline ends each attempt after 1 s, and, like any
    timeout, the attempt is retried."""
    sim = tabsim_factory(faults="trickle=1.0", form_size=2)
    sim.faults.trickle_s, sim.faults.trickle_every_s = 60, 0.1
    fp = fetchers(sim.base_url, **BOUNDED, FETCHER_DEADLINE_S="1")
    assert wait_for(lambda: len(first_poll_rows(clean_db)) >= 3, timeout=20)
    assert fp.stop() == 0
    rows = first_poll_rows(clean_db)[:3]
    assert [r[0] for r in rows] == [1, 2, 3] and all(r[1] == 200 for r in rows)
    assert all(r[2] == "timeout: no complete response within the 1 s deadline" for r in rows)
    # What arrived in time is kept, with its size.
    assert all(0 < r[3] == r[4] < 4096 for r in rows), rows
    poll = fp.events("poll")[0]
    assert poll["attempt"] == 3 and 900 <= poll["fetch_ms"] < 2000, poll
    assert stored_responses(clean_db) == sim.total_served()


@pytest.mark.parametrize("fault", ["malformed", "500"])
def test_failed_bodies_are_kept_truncated_with_their_true_size(clean_db, tabsim_factory, fetchers, fault):
    """Bodies of failures (an error page, JSON that jsonb cannot hold) are
    stored up to FETCHER_FAILED_BODY_BYTES; body_bytes is what came."""
    sim = tabsim_factory(faults=f"{fault}=1.0", form_size=2)
    fp = fetchers(sim.base_url, **FAST, FETCHER_ATTEMPTS="1", FETCHER_FAILED_BODY_BYTES="20")
    assert wait_for(lambda: len(first_poll_rows(clean_db)) >= 1, timeout=20)
    assert fp.stop() == 0
    _, status, error, kept, size = first_poll_rows(clean_db)[0]
    assert status == int(fault) if fault == "500" else error.startswith("invalid JSON")
    assert kept == 20 and size > 20
    assert size == fp.events("poll")[0]["bytes"]


def test_gzip_bomb_is_inflated_no_further_than_the_cap(tabsim_factory):
    """A gigabyte of gzip (about 1 MB on the wire): httpx's own decoding
    would inflate each 64 KiB read at once (64 MB); the fetcher's never
    holds much more than the cap."""
    import asyncio
    import tracemalloc

    import httpx

    from fetcher.tab import attempt_once
    from tabsim.server import gzip_bomb

    cap = 4 * CAP
    sim = tabsim_factory(faults="gzipbomb=1.0", form_size=2)
    sim.faults.bomb_bytes = 1 << 30
    gzip_bomb(b"{}", sim.faults.bomb_bytes)  # the simulator's own work, in this process, done before

    async def one():
        async with httpx.AsyncClient(timeout=10) as client:
            return await attempt_once(
                client, sim.base_url + "/racing/meetings", {}, 1, max_body_bytes=cap, deadline_s=30, keep=4096
            )

    tracemalloc.start()
    try:
        attempt = asyncio.run(one())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert attempt.error == f"body larger than {cap} bytes" and not attempt.retryable
    assert peak < 3 * cap, f"{peak / CAP:.1f} MiB in memory at the peak"


def test_fetcher_role_has_a_statement_timeout(database_url):
    """No statement of the fetcher holds a connection (and its locks) for
    ever: its role's sessions start with a statement timeout."""
    with psycopg.connect(database_url.replace("postgres@", "raceday_fetcher@")) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "10s"


@pytest.fixture
def scratch_cluster():
    """A cluster of its own, deployed, that a test may restart at will."""
    with own_cluster(worker_instance("restart")) as (env, url):
        yield env, url


def test_database_restart_loses_nothing(scratch_cluster, tabsim_factory):
    env, url = scratch_cluster
    sim = tabsim_factory(form_size=2)
    fp = FetcherProcess(url, sim.base_url, "restarter", **FAST)
    try:

        def events() -> int:
            with psycopg.connect(url) as conn:
                return conn.execute(
                    "SELECT count(*) FROM staging.raw_responses WHERE kind = 'event'"
                ).fetchone()[0]

        assert wait_for(lambda: events() >= 5, timeout=30)
        cluster("stop", instance=worker_instance("restart"), env=env)
        time.sleep(2)
        cluster("start", instance=worker_instance("restart"), env=env)
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
