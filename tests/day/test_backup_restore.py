"""Backup and restore as the runbook (docs/runbook.md) does them locally, with its
own commands (`make backup FILE=...`, `make restore FILE=...`, which run
PostgreSQL 18's tools from the toolchain's root), on a database a simulated
day filled: the roles and the database backed up into one file, restored
into a fresh cluster with pg_cron's jobs held back, then every table's row
count and checksum compared, sequences and roles too, and sqitch's verify
run against the copy (it checks privileges, including who may connect to
the database).

Sequences are outside any snapshot: pg_dump reads their values as they are
when it gets to them, and pg_cron's sweep, retrying quarantined polls,
draws ids that its rolled-back transactions never use. So a restored
sequence must be at least where the source's was when the rows were
counted, which is at least every id those rows hold, not equal to it.

pg_cron's jobs are paused on the source while its checksums are computed
and the backup taken (the sweep would otherwise change rows between the
two), and run again afterwards.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg

from harness import ROOT, cluster, free_port, sqitch_target, wait_for, worker_instance

RESTORE = worker_instance("restore")
SCHEMAS = ("raceday", "staging", "sqitch")

TABLES = """
    SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    UNION ALL SELECT 'cron.job'
    ORDER BY 1"""
SEQUENCES = """
    SELECT format('%%I.%%I', schemaname, sequencename), last_value FROM pg_sequences
    WHERE schemaname = ANY(%s) ORDER BY 1"""


def fingerprint(conn: psycopg.Connection) -> dict[str, tuple]:
    """Row count and md5 of the sorted rows of every table."""
    tables = [t for (t,) in conn.execute(TABLES, (list(SCHEMAS),))]
    return {
        t: conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {t} t"
        ).fetchone()
        for t in tables
    }


def sequences(conn: psycopg.Connection) -> dict[str, int]:
    """Last value of every sequence (0 for one never used)."""
    return {s: v or 0 for s, v in conn.execute(SEQUENCES, (list(SCHEMAS),))}


def make(target: str, file: Path, instance: str, port: int) -> subprocess.CompletedProcess[str]:
    """The Makefile's target, as an operator runs it, on the cluster named."""
    return subprocess.run(
        ["make", "-s", "-C", str(ROOT), target, f"FILE={file}"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RACEDAY_INSTANCE": instance, "RACEDAY_PG_PORT": str(port)},
    )


def set_cron(conn: psycopg.Connection, launch: bool) -> None:
    conn.execute(
        "ALTER SYSTEM SET cron.launch_active_jobs = on"
        if launch
        else "ALTER SYSTEM SET cron.launch_active_jobs = off"
    )
    conn.execute("SELECT pg_reload_conf()")


def no_job_running(conn: psycopg.Connection) -> bool:
    return (
        conn.execute(
            "SELECT count(*) FROM cron.job_run_details WHERE status IN ('starting', 'running')"
        ).fetchone()[0]
        == 0
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.startswith("raceday: error: ")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_dump_restores_into_a_fresh_cluster_identically(simulated_day, tmp_path):
    backup = tmp_path / "raceday.tar"
    port = free_port()
    env = {"RACEDAY_PG_PORT": str(port)}
    with psycopg.connect(simulated_day.url, autocommit=True) as source:
        try:
            set_cron(source, launch=False)
            assert wait_for(lambda: no_job_running(source), 120), "a pg_cron job still runs on the source"
            before = fingerprint(source)
            numbered = sequences(source)
            proc = make("backup", backup, simulated_day.instance, simulated_day.port)
            assert proc.returncode == 0, proc.stderr[-3000:]
            assert fingerprint(source) == before, "the source changed while it was backed up"
        finally:
            source.execute("ALTER SYSTEM RESET cron.launch_active_jobs")
            source.execute("SELECT pg_reload_conf()")
    assert before["raceday.money_flow_history"][0] > 1000 and before["staging.raw_responses"][0] > 1000
    assert backup.stat().st_mode & 0o077 == 0, "a backup holds password hashes: its owner's alone"
    assert "exists" in one_error_line(make("backup", backup, simulated_day.instance, simulated_day.port))

    try:
        cluster("destroy", instance=RESTORE, env=env)
        proc = make("restore", backup, RESTORE, port)
        assert proc.returncode == 0, proc.stderr[-3000:]
        url = cluster("url", instance=RESTORE, env=env).stdout.strip().splitlines()[-1]
        with psycopg.connect(url) as conn:
            after = fingerprint(conn)
            renumbered = sequences(conn)
            assert conn.execute("SHOW cron.launch_active_jobs").fetchone()[0] == "on"
        assert after.keys() == before.keys()
        assert [t for t in before if before[t] != after[t]] == []
        assert renumbered.keys() == numbered.keys() and numbered["raceday.money_flow_history_id_seq"] > 1000
        assert [s for s in numbered if renumbered[s] < numbered[s]] == []

        roles_of = "SELECT rolname, rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"
        with psycopg.connect(simulated_day.url) as src, psycopg.connect(url) as dst:
            assert dst.execute(roles_of).fetchall() == src.execute(roles_of).fetchall()
        verify = subprocess.run(
            ["sqitch", "verify", sqitch_target(url)], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]

        # A restore never goes over a database that holds raceday.
        assert "make db-destroy" in one_error_line(make("restore", backup, RESTORE, port))
    finally:
        cluster("destroy", instance=RESTORE, env=env, check=False)
