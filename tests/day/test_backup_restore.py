"""Backup and restore as the README's runbook does them, on a database a
simulated day filled: the roles with pg_dumpall, the database with pg_dump
(custom format), both restored into a fresh cluster with pg_cron's jobs held
back, then every table's row count and checksum compared, sequences and
roles too, and sqitch's verify run against the copy (it checks privileges,
including who may connect to the database).

Sequences are outside any snapshot: pg_dump reads their values as they are
when it gets to them, and pg_cron's sweep, retrying quarantined polls,
draws ids that its rolled-back transactions never use. So a restored
sequence must be at least where the source's was when the rows were
counted, which is at least every id those rows hold, not equal to it.

The dump is taken in a snapshot exported by the transaction that computes
the source's checksums, so the two see the same rows while pg_cron's jobs
keep running on the source. The client tools are PostgreSQL 18's, from the
toolchain's root (the host's are older than the server).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import psycopg

from conftest import ROOT, cluster, free_port, fresh_cluster, sqitch_target, toolchain_root

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
    return {t: conn.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                            f"FROM {t} t").fetchone() for t in tables}


def sequences(conn: psycopg.Connection) -> dict[str, int]:
    """Last value of every sequence (0 for one never used)."""
    return {s: v or 0 for s, v in conn.execute(SEQUENCES, (list(SCHEMAS),))}


BIN = "/usr/lib/postgresql/18/bin"       # inside the root


def in_root(root: Path, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["chroot", str(root), f"{BIN}/{tool}", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{tool} failed: {proc.stderr[-2000:]}"
    return proc


def test_dump_restores_into_a_fresh_cluster_identically(simulated_day):
    root = toolchain_root()
    work = Path(tempfile.mkdtemp(prefix="raceday-backup-", dir=root / "tmp"))
    inside = "/" + str(work.relative_to(root))
    source = ["-h", "127.0.0.1", "-p", str(simulated_day.port), "-U", "postgres"]
    env = {"RACEDAY_PG_PORT": str(free_port())}
    try:
        with psycopg.connect(simulated_day.url) as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            before = fingerprint(conn)
            numbered = sequences(conn)
            in_root(root, "pg_dump", *source, "-d", "raceday", "--format=custom", f"--snapshot={snapshot}",
                    "--file", f"{inside}/raceday.dump")
        in_root(root, "pg_dumpall", *source, "--roles-only", "--file", f"{inside}/roles.sql")
        assert before["raceday.money_flow_history"][0] > 1000 and before["staging.raw_responses"][0] > 1000

        url = fresh_cluster("restore", env, deploy=False)
        target = ["-h", "127.0.0.1", "-p", env["RACEDAY_PG_PORT"], "-U", "postgres"]
        # The runbook's order: no pg_cron job may run until everything is back.
        in_root(root, "psql", *target, "-X", "-q", "-d", "postgres", "-c",
                "ALTER SYSTEM SET cron.launch_active_jobs = off", "-c", "SELECT pg_reload_conf()")
        # The only error allowed: the superuser exists in every cluster.
        roles = subprocess.run(["chroot", str(root), f"{BIN}/psql", *target, "-X", "-q",
                                "-d", "postgres", "-f", f"{inside}/roles.sql"], capture_output=True, text=True)
        errors = [line for line in roles.stderr.splitlines() if "ERROR" in line]
        assert errors and all('role "postgres" already exists' in e for e in errors), roles.stderr
        in_root(root, "pg_restore", *target, "-d", "raceday", "--exit-on-error", "--jobs=2", f"{inside}/raceday.dump")
        # Who may connect is the database's own property: pg_restore applies it
        # only when it creates the database, so the runbook replays those lines.
        acl = subprocess.run(["chroot", str(root), "/bin/sh", "-c",
                              f"set -e; {BIN}/pg_restore --create --section=pre-data -f - {inside}/raceday.dump "
                              f"| grep ' ON DATABASE ' | {BIN}/psql {' '.join(target)} -X -q -v ON_ERROR_STOP=1 "
                              "-d raceday"], capture_output=True, text=True)
        assert acl.returncode == 0, acl.stderr

        with psycopg.connect(url) as conn:
            after = fingerprint(conn)
            renumbered = sequences(conn)
        assert after.keys() == before.keys()
        assert [t for t in before if before[t] != after[t]] == []
        assert renumbered.keys() == numbered.keys() and numbered["raceday.money_flow_history_id_seq"] > 1000
        assert [s for s in numbered if renumbered[s] < numbered[s]] == []

        roles_of = "SELECT rolname, rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"
        with psycopg.connect(simulated_day.url) as src, psycopg.connect(url) as dst:
            assert dst.execute(roles_of).fetchall() == src.execute(roles_of).fetchall()
        verify = subprocess.run(["sqitch", "verify", sqitch_target(url)], cwd=ROOT, capture_output=True, text=True,
                                timeout=300)
        assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
        in_root(root, "psql", *target, "-X", "-q", "-d", "postgres", "-c",
                "ALTER SYSTEM RESET cron.launch_active_jobs", "-c", "SELECT pg_reload_conf()")
    finally:
        cluster("destroy", instance="restore", env=env, check=False)
        subprocess.run(["rm", "-rf", str(work)], check=False)
