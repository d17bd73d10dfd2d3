"""Test harness: one throw-away PostgreSQL 18 cluster per test run.

The session starts the checkout's `test` cluster from nothing, deploys the
sqitch plan into it, installs pgTAP, and removes the cluster at the end, so
tests share no state with a developer's database or with an earlier run and
leave no process behind. pgTAP files run inside a transaction they roll back.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "scripts" / "cluster.sh"


def cluster(*args: str, instance: str = "test", env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run scripts/cluster.sh for a cluster of this checkout."""
    full_env = {**os.environ, "RACEDAY_INSTANCE": instance, **(env or {})}
    proc = subprocess.run(["bash", str(CLUSTER), *args], env=full_env, text=True,
                          capture_output=True, timeout=300)
    if check and proc.returncode != 0:
        raise RuntimeError(f"cluster.sh {' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc


def sqitch_target(url: str) -> str:
    """sqitch's name for a libpq URL."""
    return "db:pg:" + url.removeprefix("postgresql:")


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    # A crashed earlier run may have left its cluster behind: start clean.
    cluster("destroy")
    try:
        cluster("start")
        cluster("deploy")
        url = cluster("url").stdout.strip().splitlines()[-1]
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
