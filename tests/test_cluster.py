"""The local PostgreSQL 18 cluster: what it runs, and its one-line errors.

Bad configuration must give one clear line naming the problem and what to
do, never a stack trace; scratch clusters named `probe` are used for the
failures so the session's test cluster is never disturbed.
"""

from __future__ import annotations

import os
import socket
import subprocess

import psycopg
import pytest

from harness import ROOT, cluster, free_port, worker_instance

PROBE = worker_instance("probe")


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, "a bad configuration was accepted"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{proc.stderr}"
    assert lines[0].startswith("raceday: error: ")
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_postgresql_18_with_extensions(db: psycopg.Connection):
    version = db.execute("SHOW server_version_num").fetchone()[0]
    assert 180000 <= int(version) < 190000
    installed = dict(db.execute("SELECT extname, extversion FROM pg_extension").fetchall())
    assert "plpython3u" in installed
    assert tuple(map(int, installed["pg_cron"].split("."))) >= (1, 6)
    assert tuple(map(int, installed["pgtap"].split("."))) >= (1, 3)
    settings = dict(
        db.execute("""
        SELECT name, setting FROM pg_settings
        WHERE name IN ('shared_preload_libraries', 'listen_addresses', 'cron.database_name')
    """).fetchall()
    )
    assert settings == {
        "shared_preload_libraries": "pg_cron",
        "listen_addresses": "127.0.0.1",
        "cron.database_name": "raceday",
    }


def test_plpython_runs_python_3(db: psycopg.Connection):
    db.execute("""CREATE FUNCTION pg_temp.py_major() RETURNS int LANGUAGE plpython3u
                  AS 'import sys; return sys.version_info[0]'""")
    assert db.execute("SELECT pg_temp.py_major()").fetchone()[0] == 3


def test_pg_cron_scheduler_is_running(db: psycopg.Connection):
    workers = db.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_cron launcher'")
    assert workers.fetchone()[0] == 1


def test_url_is_last_line_and_connects(database_url: str):
    proc = cluster("url")
    url = proc.stdout.strip().splitlines()[-1]
    assert url == database_url
    assert url.startswith("postgresql://postgres@127.0.0.1:")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "raceday"


def test_start_is_idempotent(database_url: str):
    proc = cluster("start")
    assert "already running" in proc.stderr


@pytest.mark.parametrize("port", ["abc", "80", "5432", "70000"])
def test_bad_port_value(port: str):
    line = one_error_line(cluster("start", instance=PROBE, env={"RACEDAY_PG_PORT": port}, check=False))
    assert "RACEDAY_PG_PORT" in line


def test_port_in_use():
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        line = one_error_line(
            cluster("start", instance=PROBE, env={"RACEDAY_PG_PORT": str(port)}, check=False)
        )
    assert f"port {port}" in line and "in use" in line and "RACEDAY_PG_PORT" in line


def test_unusable_data_directory():
    env = {"RACEDAY_PG_PORT": str(free_port())}
    try:
        cluster("init", instance=PROBE, env=env)
        data = cluster("status", instance=PROBE, env=env, check=False).stdout.split("data ")[-1].rstrip(")\n")
        subprocess.run(["chown", "-R", "root:root", data], check=True)
        subprocess.run(["chmod", "700", data], check=True)
        line = one_error_line(cluster("start", instance=PROBE, env=env, check=False))
        assert "not readable and writable by postgres" in line and "db-destroy" in line
    finally:
        cluster("destroy", instance=PROBE, env=env, check=False)


def test_missing_toolchain(tmp_path):
    line = one_error_line(
        cluster(
            "start",
            instance=PROBE,
            env={"RACEDAY_CACHE_DIR": str(tmp_path), "RACEDAY_PG_PORT": str(free_port())},
            check=False,
        )
    )
    assert "make toolchain" in line


def test_unknown_command():
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "cluster.sh"), "explode"], text=True, capture_output=True
    )
    assert "usage:" in one_error_line(proc)


def test_status_of_a_stopped_cluster_is_a_line_and_success():
    """`make db-status` reports; it does not fail because the cluster is stopped."""
    env = {"RACEDAY_PG_PORT": str(free_port())}
    make = ["make", "-s", "-C", str(ROOT), "db-status"]
    full_env = {**os.environ, "RACEDAY_INSTANCE": PROBE, **env}
    try:
        for state in ("not created yet", "stopped"):
            proc = subprocess.run(make, env=full_env, text=True, capture_output=True, timeout=60)
            assert proc.returncode == 0, proc.stderr
            assert proc.stdout.splitlines() == [
                f"{PROBE} cluster: {state} (port {env['RACEDAY_PG_PORT']}, data "
                f"{proc.stdout.split('data ')[-1].rstrip()}"
            ]
            assert proc.stdout.rstrip().endswith(f"-{PROBE}/data)") and proc.stderr == ""
            cluster("init", instance=PROBE, env=env)
    finally:
        cluster("destroy", instance=PROBE, env=env, check=False)
