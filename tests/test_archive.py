"""The archive (docs/archive.md): a simulated racing day, over, is written
to a verified zstd file; retention, shortened, deletes its raw responses and
drops its history partitions only once their archives are verified; the day
restored from its archive into a fresh database and replayed derives the
same tables. A missing or damaged archive stops the deletion, saying why."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from harness import ROOT, checksums, own_cluster, python, worker_instance
from tabsim.clock import SimClock, real_database_clock
from tabsim.replay import replay
from tabsim.server import Simulator

NZ = ZoneInfo("Pacific/Auckland")


def archive(url: str, directory, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m archive` as the operator runs it."""
    return subprocess.run(
        [python(), "-m", "archive", "--url", url, "--dir", str(directory), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_archived_day_is_deleted_then_restored_and_replayed_equal(quiet_db, database_url, tmp_path):
    db = quiet_db
    # Three NZ days ago, from noon: the day is over, and past a one-day retention.
    day = datetime.now(NZ).date() - timedelta(days=3)
    start = datetime.combine(day, time(12, 0), NZ).timestamp()
    sim = Simulator(5, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, form_size=2)
    fetcher_url = database_url.replace("postgres@", "raceday_fetcher@")
    stats = asyncio.run(replay(database_url, fetcher_url, sim, start, start + 20 * 60))
    real_database_clock(db)
    assert stats.polls > 100 and stats.failures == 0
    print(f"replay: {stats.polls} polls in {stats.seconds:.1f} s")
    original = checksums(db)
    assert original["money_flow_history"][1] > 200 and original["races"][1] > 5
    (held,) = db.execute("SELECT count(*) FROM staging.raw_responses").fetchone()

    done = archive(database_url, tmp_path, "run")
    assert done.returncode == 0, done.stderr
    raw = db.execute(
        "SELECT rows, bytes, raw_bytes, verified_at, path FROM ops.archives WHERE day = %s AND kind = 'raw'",
        (day,),
    ).fetchone()
    assert raw[0] == held and raw[3] is not None and raw[1] < raw[2]
    assert (tmp_path / raw[4]).exists()

    db.execute(
        "UPDATE raceday.settings SET staging_retention = '1 day', history_retention = '1 day', "
        "detach_grace = '0'"
    )
    (deleted,) = db.execute("SELECT raceday.prune_staging()").fetchone()
    assert deleted == held
    # The day's partitions and the next day's, and any other past the retention
    # that a test before this one on the same cluster left.
    made = db.execute("SELECT raceday.maintain_partitions()").fetchone()[0]
    detached = int(re.search(r"detached (\d+)", made)[1])
    assert detached >= 4, made
    assert {
        f"{parent}_{d:%Y%m%d}"
        for parent in ("money_flow_history", "odds_history")
        for d in (day, day + timedelta(1))
    } <= {name for (name,) in db.execute("SELECT name FROM raceday.detached_partitions")}
    # Detached, and past the grace, but kept: no archive holds them yet.
    kept = db.execute("SELECT raceday.maintain_partitions()").fetchone()[0]
    assert kept.endswith(f"dropped 0, kept {detached} without a verified archive"), kept
    assert db.execute("SELECT to_regclass(%s)", (f"raceday.money_flow_history_{day:%Y%m%d}",)).fetchone()[0]
    done = archive(database_url, tmp_path, "run")
    assert done.returncode == 0, done.stderr
    assert {(line["kind"], line["day"]) for line in lines(done) if line["event"] == "archived"} >= {
        ("money_flow_history", day.isoformat()),
        ("odds_history", day.isoformat()),
    }
    assert "kept" not in db.execute("SELECT raceday.maintain_partitions()").fetchone()[0]
    assert (
        db.execute("SELECT to_regclass(%s)", (f"raceday.money_flow_history_{day:%Y%m%d}",)).fetchone()[0]
        is None
    )
    # Everything deleted or dropped is in a verified archive, whole.
    assert (
        db.execute(
            "SELECT count(*) FROM raceday.archives WHERE deleted > 0 "
            "AND (verified_at IS NULL OR deleted > rows)"
        ).fetchone()[0]
        == 0
    )
    assert db.execute(
        "SELECT array_agg(kind ORDER BY kind) FROM raceday.archives WHERE day = %s AND deleted = rows", (day,)
    ).fetchone()[0] == ["money_flow_history", "odds_history", "raw"]

    with own_cluster(worker_instance("archive")) as (_, fresh):
        back = archive(fresh, tmp_path, "restore", day.isoformat())
        assert back.returncode == 0, back.stderr
        restored = lines(back)[-1]
        assert restored["rows"] == held and restored["replayed"] > 0
        with psycopg.connect(fresh, autocommit=True) as conn:
            assert checksums(conn) == original
            # History now, not a day to poll again.
            assert (
                conn.execute(
                    "SELECT count(*) FROM raceday.poll_targets WHERE kind = 'event' AND stopped_at IS NULL"
                ).fetchone()[0]
                == 0
            )


@pytest.fixture
def old_rows(quiet_db):
    """Three processed responses received five NZ days ago."""
    day = datetime.now(NZ).date() - timedelta(days=5)
    at = datetime.combine(day, time(13, 0), NZ)
    quiet_db.execute("UPDATE raceday.settings SET staging_retention = '1 day'")
    quiet_db.execute(
        """INSERT INTO staging.raw_responses (kind, target, received_at, body, processed_at)
        SELECT 'event', 'old-' || n, %s + n * interval '1 minute', '{"data": {"n": ' || n || '}}', now()
        FROM generate_series(1, 3) n""",
        (at,),
    )
    return day


def test_missing_archive_stops_deletion(quiet_db, old_rows):
    with pytest.raises(
        psycopg.errors.ObjectNotInPrerequisiteState, match=f"raw of {old_rows} has no archive"
    ):
        quiet_db.execute("SELECT raceday.prune_staging()")
    assert quiet_db.execute("SELECT count(*) FROM staging.raw_responses").fetchone()[0] == 3


def test_damaged_or_lost_archive_stops_deletion(quiet_db, database_url, old_rows, tmp_path):
    db = quiet_db
    assert archive(database_url, tmp_path, "run").returncode == 0
    (path,) = db.execute(
        "SELECT path FROM ops.archives WHERE day = %s AND verified_at IS NOT NULL", (old_rows,)
    ).fetchone()
    file = tmp_path / path
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))

    checked = archive(database_url, tmp_path, "verify")
    assert checked.returncode == 1
    with pytest.raises(
        psycopg.errors.ObjectNotInPrerequisiteState,
        match=f"the archive of raw of {old_rows} .* is not verified: .*sha256",
    ):
        db.execute("SELECT raceday.prune_staging()")

    file.unlink()
    assert archive(database_url, tmp_path, "verify", old_rows.isoformat()).returncode == 1
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="No such file"):
        db.execute("SELECT raceday.prune_staging()")
    assert db.execute("SELECT count(*) FROM staging.raw_responses").fetchone()[0] == 3

    # Written again (every row is still here) and verified: now it goes.
    assert archive(database_url, tmp_path, "run").returncode == 0
    assert db.execute("SELECT raceday.prune_staging()").fetchone()[0] == 3
