"""pg_cron runs raceday's jobs as their owner, never as a superuser, and the
jobs work that way: each job's command, run by pg_cron itself as the job's
user, succeeds; the cron-history job removes an old run record of a raceday
job (pg_cron's row-level security lets a role delete only its own jobs'
records). The owner may log in for pg_cron's sake only: no client can.

Each job runs as a copy scheduled every second with the same command and
user, so the test waits for pg_cron to run it rather than for the clock to
reach the real schedule; the copies and their records are removed after.
"""

from __future__ import annotations

import psycopg
import pytest

from harness import wait_for

JOBS = (
    "raceday-change-feed-retention",
    "raceday-cron-history",
    "raceday-derived-retention",
    "raceday-partitions",
    "raceday-staging-retention",
    "raceday-sweep",
)
DONE = "status IN ('succeeded', 'failed')"


def run_by_pg_cron(db: psycopg.Connection, jobname: str) -> tuple[str, str, str]:
    """pg_cron runs a copy of the job once: its user, status and message."""
    username, command = db.execute(
        "SELECT username, command FROM cron.job WHERE jobname = %s", (jobname,)
    ).fetchone()
    jobid = db.execute(
        "SELECT cron.schedule_in_database(%s, '1 seconds', %s, current_database(), %s)",
        (f"test-copy-of-{jobname}", command, username),
    ).fetchone()[0]
    try:
        ran = wait_for(
            lambda: (
                db.execute(
                    f"SELECT count(*) FROM cron.job_run_details WHERE jobid = %s AND {DONE}", (jobid,)
                ).fetchone()[0]
                > 0
            ),
            30,
        )
        assert ran, f"pg_cron did not run a copy of {jobname} within 30 s"
        return db.execute(
            f"SELECT username, status, return_message FROM cron.job_run_details "
            f"WHERE jobid = %s AND {DONE} ORDER BY runid LIMIT 1",
            (jobid,),
        ).fetchone()
    finally:
        db.execute("SELECT cron.unschedule(%s::bigint)", (jobid,))
        wait_for(
            lambda: (
                db.execute(
                    f"SELECT count(*) FROM cron.job_run_details WHERE jobid = %s AND NOT {DONE}", (jobid,)
                ).fetchone()[0]
                == 0
            ),
            30,
        )
        db.execute("DELETE FROM cron.job_run_details WHERE jobid = %s", (jobid,))


def test_every_job_runs_as_a_role_that_is_no_superuser(db):
    jobs = db.execute("""SELECT j.jobname, r.rolsuper FROM cron.job j JOIN pg_roles r ON r.rolname = j.username
                         WHERE j.jobname LIKE 'raceday-%' ORDER BY 1""").fetchall()
    assert jobs == [(name, False) for name in JOBS]


@pytest.mark.parametrize("jobname", JOBS)
def test_pg_cron_runs_each_job_as_its_user(db, jobname):
    username, status, message = run_by_pg_cron(db, jobname)
    assert (username, status, message) == ("raceday_owner", "succeeded", "SELECT 1")


def test_the_cron_history_job_prunes_raceday_jobs_old_runs(db):
    """An old run of the sweep and a recent one, recorded as pg_cron records
    them (under the job's user); pg_cron runs the cron-history job's command:
    the old one goes, the recent one stays."""
    db.execute("""INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status,
                                                    return_message, start_time, end_time)
                  SELECT jobid, -v.n, 1, database, username, command, 'succeeded', 'SELECT 1', now() - v.age,
                         now() - v.age
                  FROM cron.job, (VALUES (1, interval '30 days'), (2, interval '1 hour')) v(n, age)
                  WHERE jobname = 'raceday-sweep'""")
    try:
        assert run_by_pg_cron(db, "raceday-cron-history")[1] == "succeeded"
        left = [
            -r
            for (r,) in db.execute("SELECT runid FROM cron.job_run_details WHERE runid < 0 ORDER BY 1 DESC")
        ]
        assert left == [2], "the cron-history job did not remove the old run (or removed the recent one)"
    finally:
        db.execute("DELETE FROM cron.job_run_details WHERE runid < 0")


def test_no_client_logs_in_as_the_owner(database_url):
    with pytest.raises(psycopg.OperationalError, match="too many connections for role"):
        psycopg.connect(database_url.replace("postgres@", "raceday_owner@")).close()
