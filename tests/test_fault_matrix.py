"""The fault matrix: the real pipeline (the simulator over HTTP, two
`python -m fetcher` processes, PostgreSQL 18 sharing the simulator's clock at
40 times real time) runs about 25 minutes of racing under a combination of

- sim:     the simulator answering 500, 503, 429, malformed, truncated and
           empty bodies, values of the wrong type (badvalue), slow answers,
           answers that never come (hang, a client timeout), bodies over the
           fetcher's cap (huge, gzipbomb) and bodies trickled past its
           deadline (trickle);
- kill:    one fetcher killed with SIGKILL while it holds claims, and a new
           one started in its place;
- restart: PostgreSQL crashed (immediate shutdown) and started again while
           the fetchers run;
- bug:     the transform made to raise for one race, then repaired.

After each run it proves:

1. Nothing is lost. The simulator keeps a ledger of every response it wrote
   in full, per fetcher. Staging (bodies, and failures with their status)
   holds each of them exactly once: per target and HTTP status, as many
   responses as were served, never more. The only exception is bounded: a
   response written to the fetcher that was then SIGKILLed, before it handed
   it to the database, exists nowhere but in that dead process's memory. So
   a response may be missing only if it was served to the killed fetcher,
   for a target that fetcher still held a lease on at the kill, at most one
   per such target; and each of those targets was polled again by another
   fetcher once the lease expired. (The kill is aimed at a moment when the
   fetcher has just been sent a response for a target it holds, so most
   runs do lose one or more this way.)
   "Never more" is a real check, with one window it cannot be sure to hit:
   a fetcher re-runs a statement whose connection broke, so an ingest that
   committed in the microseconds before a crash broke its connection would
   be stored twice (a repeat counted on its row, or a second failure row).
   No run has hit it; if one does, this check fails and says so.
2. No duplicate history rows: one money-flow row per runner and poll and per
   runner and observation instant, one odds row per runner, odds type and
   poll.
3. Derived tables equal a clean replay of staging: after the sweep has
   repaired what the bug quarantined, every race rebuilt from staging gives
   the same checksums of every derived table (harness.CHECKSUMS).

And for each fault that it did what it should: the fetchers (but the
killed one) stop cleanly with exit 0; a killed fetcher's claims are
reclaimed; fetchers survive the crash and keep polling; the buggy race's
polls are stored and quarantined while other races go on, and the repair
brings them back.

The test cluster commits with synchronous_commit = off, which may lose the
last acknowledged commits on a server crash; the cluster here is crashed on
purpose, so it commits durably, as production does.

`make test` runs a bounded form: all four faults together, one run of about
70 seconds. RACEDAY_FAULT_MATRIX=full runs every combination of the four
(16 runs, about 17 minutes).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import time
from dataclasses import dataclass

import psycopg
import pytest

from faults import (
    BUG,
    crash_and_restart,
    few,
    inject_transform_bug,
    remove_transform_bug,
    served_counts,
    stored_counts,
    target_of,
    unaccounted,
)
from harness import (
    FetcherProcess,
    checksums,
    empty_database,
    own_cluster,
    pause_sweep,
    reprocess_every_race,
    resume_sweep,
    share_clock,
    wait_for,
    worker_instance,
)

SPEED = 40
RUN_S = 36  # real seconds of fetching: 24 minutes of racing
SIM_FAULTS = (
    "500=0.03,503=0.02,429=0.02,malformed=0.01,truncated=0.01,empty=0.005,badvalue=0.02,"
    "hang=0.005,latency=0.05,huge=0.01,gzipbomb=0.01,trickle=0.005"
)
MAX_BODY = 1 << 20  # huge (2 MiB) and gzipbomb (64 MiB inflated) pass it: failures, not retried
LEASE_S = 15  # longer than any poll with its retries (3 x 2 s timeout or deadline + back-off)
FETCHER_ENV = {
    "FETCHER_IDLE_S": "0.02",
    "FETCHER_BACKOFF_S": "0.05",
    "FETCHER_TIMEOUT_S": "2",
    "FETCHER_RETRY_AFTER_CAP_S": "1",
    "FETCHER_MAX_BODY_BYTES": str(MAX_BODY),
    "FETCHER_DEADLINE_S": "2",
}
INSTANCE = worker_instance("faults")


@dataclass(frozen=True)
class Faults:
    sim: bool
    kill: bool
    restart: bool
    bug: bool

    def __str__(self) -> str:
        return "+".join(name for name in ("sim", "kill", "restart", "bug") if getattr(self, name)) or "none"


ALL = [Faults(*flags) for flags in itertools.product((False, True), repeat=4)]
BOUNDED = [Faults(True, True, True, True)]
MATRIX = ALL if os.environ.get("RACEDAY_FAULT_MATRIX") == "full" else BOUNDED


@pytest.fixture(scope="module")
def faults_cluster():
    """A cluster of its own, deployed, that the runs crash at will."""
    with own_cluster(INSTANCE) as (env, url):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET synchronous_commit = on")
            conn.execute("SELECT pg_reload_conf()")
        assert wait_for(lambda: one_value(url, "SHOW synchronous_commit") == "on", timeout=10)
        with psycopg.connect(url, autocommit=True) as conn:
            # The transform as deployed: each run starts from it, whatever an
            # earlier, failed run left behind.
            pristine = conn.execute(
                "SELECT pg_get_functiondef('raceday.transform_event(bigint, jsonb)'::regprocedure)"
            ).fetchone()[0]
        yield env, url, pristine


@pytest.fixture
def processes():
    """Fetchers started by a run; any still running are killed afterwards."""
    running: list[FetcherProcess] = []
    yield running
    for fp in running:
        fp.kill()


def one_value(url: str, sql: str, params: tuple = ()):
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


def leased(url: str, worker: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {
            t
            for (t,) in conn.execute(
                "SELECT target FROM raceday.poll_targets WHERE lease_owner = %s", (worker,)
            )
        }


def in_delivery(sim, url: str, worker: str) -> bool:
    """The worker was sent a response in the last 0.2 s for a target it
    still holds a lease on: one it has not delivered, or a failed attempt
    it will retry."""
    held = leased(url, worker)
    recent = time.time() - 0.2
    return any(
        s.client == worker and s.at > recent and (target_of(s) or ("", ""))[1] in held
        for s in sim.ledger[-40:]
    )


def stop(fp: FetcherProcess) -> int:
    """SIGTERM; a fetcher that does not exit within 30 s fails the run with its last words."""
    try:
        return fp.stop(timeout=30)
    except subprocess.TimeoutExpired:
        fp.kill()
        fp.stop(signal_it=False)
        pytest.fail(
            f"{fp.env['FETCHER_WORKER']} did not stop on SIGTERM; its log ends with "
            f"{fp.lines[-15:]} {fp.stderr[-2000:]}"
        )


def buggy_race(sim) -> str:
    """A race in raceday's scope that starts 6 to 20 minutes into the run, so
    it is polled often (every 15 to 30 s of racing) while the bug is in."""
    t0 = sim.clock.now()
    races = sorted(
        (
            r
            for r in sim.day.races.values()
            if r.country in ("NZ", "AUS")
            and r.category in "TH"
            and t0 + 360 <= r.start <= t0 + 1200
            and r.abandoned_at is None
        ),
        key=lambda r: r.start,
    )
    assert races, "no race in scope starts early in the run"
    return races[0].race_id


@pytest.mark.slow
@pytest.mark.parametrize("faults", MATRIX, ids=str)
def test_nothing_is_lost_under_faults(faults_cluster, tabsim_factory, processes, faults: Faults):
    env, url, pristine = faults_cluster
    sim = tabsim_factory(
        seed=11, speed=SPEED, faults=SIM_FAULTS if faults.sim else "", form_size=2, ledger=True
    )
    sim.faults.hang_s = 4  # longer than the fetcher's timeout: a hang is a timeout
    sim.faults.retry_after_s = 1
    sim.faults.huge_bytes, sim.faults.bomb_bytes = 2 * MAX_BODY, 64 * MAX_BODY
    sim.faults.trickle_s = 20  # longer than the fetcher's deadline: a trickle is a timeout too
    with psycopg.connect(url, autocommit=True) as conn:
        remove_transform_bug(conn, pristine)
        empty_database(conn)
        conn.execute("UPDATE raceday.settings SET lease = make_interval(secs => %s)", (LEASE_S,))
        share_clock(conn, sim)
        race = buggy_race(sim)
        if faults.bug:
            inject_transform_bug(conn, race)

    def start(worker: str) -> FetcherProcess:
        # The partner id names the fetcher in the simulator's ledger.
        fp = FetcherProcess(url, sim.base_url, worker, NZTAB_PARTNER_ID=worker, **FETCHER_ENV)
        processes.append(fp)
        return fp

    began = time.monotonic()
    a, b = start("fetcher-a"), start("fetcher-b")
    live = [a, b]
    killed_at, dead, crashed_at, bug_window = None, set(), None, None

    if faults.kill:
        # Mid-cycle: the fetcher holds claims, and has most likely just
        # been sent a response it has not handed to the database yet (its
        # ingest takes tens of milliseconds). Killed anyway after 20 s.
        wait_for(
            lambda: sim.total_served() > 20 and in_delivery(sim, url, "fetcher-a"), timeout=20, interval=0.005
        )
        a.proc.kill()
        killed_at = time.time()
        a.proc.wait()
        dead = leased(url, "fetcher-a")
        live = [b, start("fetcher-a2")]

    if faults.restart:
        time.sleep(max(0.0, began + 12 - time.monotonic()))
        assert wait_for(lambda: leased(url, "fetcher-b"), timeout=10, interval=0.01)
        crashed_at = time.time()
        before = one_value(url, "SELECT pg_postmaster_start_time()")
        crash_and_restart(INSTANCE, env)
        assert one_value(url, "SELECT pg_postmaster_start_time()") > before

    if faults.bug:
        time.sleep(max(0.0, began + 24 - time.monotonic()))
        with psycopg.connect(url, autocommit=True) as conn:
            bug_window = conn.execute(
                """SELECT count(*) FILTER (WHERE target = %s AND transform_error LIKE %s),
                          count(*) FILTER (WHERE target <> %s AND processed_at IS NOT NULL AND transform_error IS NULL)
                   FROM staging.raw_responses WHERE kind = 'event' AND body IS NOT NULL""",
                (race, f"%{BUG}%", race),
            ).fetchone()
            remove_transform_bug(conn, pristine)

    time.sleep(max(0.0, began + RUN_S - time.monotonic()))
    codes = [stop(fp) for fp in live]
    ledger = list(sim.ledger)
    sim.stop()
    if faults.kill:
        a.stop(signal_it=False)
    assert codes == [0] * len(live), [fp.stderr for fp in live]
    assert all(fp.events("poll_crashed") == [] for fp in live)

    db = psycopg.connect(url, autocommit=True)
    try:
        pause_sweep(db)

        # 1. Every response served is in staging exactly once, but what the
        # killed fetcher held in memory, for targets it had claimed.
        stored = stored_counts(db)
        assert sum(stored.values()) > 300, f"too little happened: {sum(stored.values())} responses stored"
        missing, extra = unaccounted(served_counts(ledger), stored)
        assert extra == {}, f"stored more often than served (a response stored twice?): {few(extra)}"
        if faults.kill:
            lost_targets = {target for (_, target, _) in missing}
            assert lost_targets <= dead, (
                f"lost responses of targets the killed fetcher did not hold: {few(missing)}"
            )
            assert all(n == 1 for n in missing.values()) and len(missing) == len(lost_targets), few(missing)
            to_killed = served_counts(ledger, {"fetcher-a"})
            assert all(to_killed[k] >= n for k, n in missing.items()), (
                "a lost response was not the killed one's"
            )
            # Its claims were taken over once their leases ran out.
            assert dead, "the killed fetcher held no claim"
            again = {
                target_of(s)[1]
                for s in ledger
                if s.at > killed_at and s.client != "fetcher-a" and target_of(s)
            }
            assert dead <= again, f"dead claims never polled again: {few(dead - again)}"
            assert leased(url, "fetcher-a") == set(), "the killed fetcher's leases were never reclaimed"
        else:
            assert missing == {}, f"served but in staging neither as a body nor as a failure: {few(missing)}"
        timeouts = db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE fetch_error LIKE 'timeout%'"
        ).fetchone()[0]
        trickled = sum(1 for s in ledger if s.fault == "trickle")
        assert sim.hung - len(dead) <= timeouts <= sim.hung + trickled

        if faults.sim:
            kinds = {
                k
                for (k,) in db.execute(
                    "SELECT DISTINCT split_part(fetch_error, ':', 1) "
                    "FROM staging.raw_responses WHERE fetch_error IS NOT NULL"
                )
            }
            assert {
                "HTTP 500",
                "HTTP 503",
                "HTTP 429",
                "invalid JSON",
                f"body larger than {MAX_BODY} bytes",
            } <= kinds, kinds

        if faults.restart:
            warned = {line["event"] for fp in live for line in fp.lines if line["level"] == "warning"}
            assert warned & {"db_lost", "db_unavailable", "claim_failed"}, "no fetcher noticed the crash"
            after = sum(1 for s in ledger if s.at > crashed_at + 5)
            assert after > 50, f"the fetchers did not go on after the crash ({after} responses)"

        if faults.bug:
            quarantined, others = bug_window
            assert quarantined >= 3, f"the buggy race's polls were not quarantined ({quarantined})"
            assert others >= 50, f"other races did not go on while one was broken ({others})"

        # The sweep repairs what the bug quarantined (forced, as after a fix:
        # it would wait out the back-off otherwise); what stays quarantined
        # is exactly the polls whose body is bad (badvalue).
        # (The lock waits out a sweep pg_cron may have started before it
        # was paused; sweep() takes it again, as this session may.)
        db.execute("SELECT pg_advisory_lock(hashtext('raceday.sweep'))")
        while db.execute("SELECT raceday.sweep(force => true)").fetchone()[0] > 0:
            pass
        db.execute("SELECT pg_advisory_unlock(hashtext('raceday.sweep'))")
        bad = "body::jsonb @? '$.data.money_tracker.entrants[*] ? (@.hold_percentage == \"a lot\")'"
        broken, bad_bodies, unprocessed = db.execute(f"""
            SELECT count(*) FILTER (WHERE transform_error IS NOT NULL), count(*) FILTER (WHERE {bad}),
                   count(*) FILTER (WHERE processed_at IS NULL)
            FROM staging.raw_responses WHERE body IS NOT NULL""").fetchone()
        assert unprocessed == 0
        assert broken == bad_bodies, "quarantined polls other than the bad bodies remain after the repair"
        assert (
            db.execute(
                f"SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL AND NOT {bad}"
            ).fetchone()[0]
            == 0
        )
        if faults.bug:
            assert (
                db.execute(
                    "SELECT count(*) FROM staging.raw_responses WHERE target = %s AND body IS NOT NULL "
                    "AND transform_error IS NULL",
                    (race,),
                ).fetchone()[0]
                >= quarantined
            )

        # 2. No duplicate history rows.
        dupes = db.execute("""
            SELECT (SELECT count(*) FROM (SELECT FROM raceday.money_flow_history
                                          GROUP BY entrant_id, staging_id HAVING count(*) > 1) d),
                   (SELECT count(*) FROM (SELECT FROM raceday.money_flow_history
                                          GROUP BY race_id, entrant_id, event_timestamp HAVING count(*) > 1) d),
                   (SELECT count(*) FROM (SELECT FROM raceday.odds_history
                                          GROUP BY entrant_id, odds_type, staging_id HAVING count(*) > 1) d),
                   (SELECT count(*) FROM (SELECT FROM staging.raw_responses WHERE body IS NOT NULL
                                          GROUP BY target, generated_at HAVING count(*) > 1) d)""").fetchone()
        assert dupes == (0, 0, 0, 0), f"duplicate rows (flow/poll, flow/instant, odds/poll, staging): {dupes}"

        # 3. Derived tables equal a clean replay of staging.
        after_run = checksums(db)
        assert after_run["money_flow_history"][1] > 200 and after_run["odds_history"][1] > 200, after_run
        replayed, stored_events = reprocess_every_race(db)
        assert replayed == stored_events
        assert checksums(db) == after_run
        # What the run did, shown with -s (or -rP): the figures of the report.
        print(
            f"\n{faults}: {len(ledger)} responses served, {sum(stored.values())} in staging, "
            f"{sum(missing.values())} lost in the killed fetcher ({len(dead)} claims held at the kill), "
            f"{timeouts} timeouts, {broken} bad bodies quarantined, {replayed} event polls replayed, "
            f"{after_run['money_flow_history'][1]} money-flow rows, {time.monotonic() - began:.0f} s"
        )
    finally:
        resume_sweep(db)
        remove_transform_bug(db, pristine)
        db.close()
