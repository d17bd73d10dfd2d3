"""What `python -m archive` does against the database: archive each finished
NZ racing day's raw responses and each detached history partition, read
archives back and record the verdict in raceday.archives, and restore a day
into staging and replay it. Every statement runs as raceday_owner (SET ROLE),
whatever login the URL names."""

from __future__ import annotations

import time
from datetime import date
from functools import partial
from pathlib import Path

import psycopg
from psycopg import sql

from . import files

# Re-read an archive whose rows the database still holds when its last
# verdict is older than this: about once a day, before the nightly retention.
REVERIFY_AFTER = "20 hours"


def connect(url: str) -> psycopg.Connection:
    conn = psycopg.connect(url, autocommit=True, application_name="raceday-archive")
    conn.execute("SET ROLE raceday_owner")
    return conn


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    """The stored columns of a table, in order (generated ones are computed again on load)."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
            "AND attgenerated = '' ORDER BY attnum",
            (table,),
        )
    ]


def _copy_out(conn: psycopg.Connection, query: str, params: tuple):
    with (
        conn.cursor() as cur,
        cur.copy(sql.SQL("COPY ({}) TO STDOUT").format(sql.SQL(query)), params) as copy,
    ):
        yield from copy


def _record(conn: psycopg.Connection, m: files.Manifest) -> None:
    conn.execute(
        """
        INSERT INTO raceday.archives (day, kind, path, rows, bytes, raw_bytes, sha256)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (day, kind) DO UPDATE
            SET path = excluded.path, rows = excluded.rows, bytes = excluded.bytes, raw_bytes = excluded.raw_bytes,
                sha256 = excluded.sha256, created_at = now(), verified_at = NULL, verify_error = NULL, deleted = 0""",
        (m.day, m.kind, m.file, m.rows, m.bytes, m.raw_bytes, m.sha256),
    )


def verify_one(conn: psycopg.Connection, directory: Path, day: str, kind: str) -> str | None:
    """Reads one archive back and records the verdict: None if whole, else why not."""
    (sha,) = conn.execute(
        "SELECT sha256 FROM raceday.archives WHERE day = %s AND kind = %s", (day, kind)
    ).fetchone()
    try:
        files.verify(directory, kind, day, sha)
        problem = None
    except (OSError, ValueError) as err:
        problem = str(err)
    conn.execute(
        "UPDATE raceday.archives SET verified_at = CASE WHEN %s::text IS NULL THEN now() END, "
        "verify_error = %s WHERE day = %s AND kind = %s",
        (problem, problem, day, kind),
    )
    return problem


def archive_raw_day(conn: psycopg.Connection, directory: Path, day: date) -> files.Manifest:
    columns = _columns(conn, "staging.raw_responses")
    m = files.Manifest(day=day.isoformat(), kind="raw", columns=columns)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        query = (
            f"SELECT {', '.join(columns)} FROM staging.raw_responses "
            "WHERE received_at >= raceday.nz_day_start(%s) AND received_at < raceday.nz_day_start(%s + 1) "
            "ORDER BY id"
        )
        files.write(directory, m, _copy_out(conn, query, (day, day)))
        _record(conn, m)
    return m


def archive_partition(conn: psycopg.Connection, directory: Path, name: str, parent: str) -> files.Manifest:
    day = date(int(name[-8:-4]), int(name[-4:-2]), int(name[-2:]))
    columns = _columns(conn, f"raceday.{name}")
    m = files.Manifest(day=day.isoformat(), kind=parent, columns=columns)
    with conn.transaction():
        files.write(
            directory, m, _copy_out(conn, f"SELECT {', '.join(columns)} FROM raceday.{name} ORDER BY id", ())
        )
        _record(conn, m)
    return m


def due_raw_days(conn: psycopg.Connection) -> list[date]:
    """Finished NZ racing days with raw responses and no archive that holds
    them all (a damaged archive is written again while every row is still here)."""
    return [
        d
        for (d,) in conn.execute("""
        SELECT d.day FROM (
            SELECT raceday.nz_racing_day(received_at) AS day, count(*) AS n FROM staging.raw_responses
            WHERE received_at < raceday.nz_day_start(raceday.nz_racing_day(now())) GROUP BY 1) d
        LEFT JOIN raceday.archives a ON a.day = d.day AND a.kind = 'raw'
        WHERE a.day IS NULL OR a.deleted = 0 AND (a.rows <> d.n OR a.verified_at IS NULL)
        ORDER BY d.day""")
    ]


def due_partitions(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Detached history partitions no verified archive holds."""
    due = []
    for name, parent in conn.execute(
        "SELECT name, parent FROM raceday.detached_partitions ORDER BY name"
    ).fetchall():
        if conn.execute("SELECT to_regclass(%s)", (f"raceday.{name}",)).fetchone()[0] is None:
            continue
        (held,) = conn.execute(
            sql.SQL("SELECT count(*) FROM raceday.{}").format(sql.Identifier(name))
        ).fetchone()
        day = f"{name[-8:-4]}-{name[-4:-2]}-{name[-2:]}"
        (problem,) = conn.execute(
            "SELECT raceday.archive_problem(%s, %s, %s)", (day, parent, held)
        ).fetchone()
        if problem:
            due.append((name, parent))
    return due


def run(conn: psycopg.Connection, directory: Path, log) -> dict:
    """One pass: archive what is due and verify it; re-read the older
    archives whose rows the database still holds. Returns what it did."""
    done = {"archived": [], "verified": 0, "failed": []}

    def archive(make, label: str) -> None:
        """Write one archive, verify it at once, and log the pair."""
        t = time.perf_counter()
        m = make()
        problem = verify_one(conn, directory, m.day, m.kind)
        log(
            {
                "event": "archived",
                "kind": label,
                "day": m.day,
                "rows": m.rows,
                "bytes": m.bytes,
                "raw_bytes": m.raw_bytes,
                "seconds": round(time.perf_counter() - t, 3),
                "problem": problem,
            }
        )
        done["archived"].append((m.kind, m.day))

    for day in due_raw_days(conn):
        archive(partial(archive_raw_day, conn, directory, day), "raw")
    for name, parent in due_partitions(conn):
        archive(partial(archive_partition, conn, directory, name, parent), parent)
    stale = conn.execute(f"""
        SELECT day::text, kind FROM raceday.archives
        WHERE rows > deleted AND (verified_at IS NULL OR verified_at < now() - interval '{REVERIFY_AFTER}')
        ORDER BY day, kind""").fetchall()
    for day, kind in stale:
        done["verified"] += 1
        if problem := verify_one(conn, directory, day, kind):
            log({"event": "verify_failed", "kind": kind, "day": day, "problem": problem})
            done["failed"].append((kind, day))
    return done


def verify(conn: psycopg.Connection, directory: Path, day: str | None, log) -> list[tuple[str, str, str]]:
    """Reads back every archive (of one day if given) now; the failures."""
    failed = []
    for d, kind in conn.execute(
        "SELECT day::text, kind FROM raceday.archives WHERE %s::date IS NULL OR day = %s ORDER BY day, kind",
        (day, day),
    ).fetchall():
        problem = verify_one(conn, directory, d, kind)
        log(
            {
                "event": "verified" if problem is None else "verify_failed",
                "kind": kind,
                "day": d,
                "problem": problem,
            }
        )
        if problem:
            failed.append((kind, d, problem))
    return failed


def restore(conn: psycopg.Connection, directory: Path, day: str) -> dict:
    """Loads a day's raw archive into staging (ids kept) and replays it:
    raceday.replay_day rebuilds what the live run derived. Refuses a day
    staging already holds rows of, or an archive that does not read back whole."""
    t0 = time.perf_counter()
    m = files.verify(directory, "raw", day)
    (held,) = conn.execute(
        "SELECT count(*) FROM staging.raw_responses WHERE received_at >= "
        "raceday.nz_day_start(%s) AND received_at < raceday.nz_day_start(%s::date + 1)",
        (day, day),
    ).fetchone()
    if held:
        raise ValueError(
            f"staging already holds {held} responses of {day}: nothing restored "
            "(replay them with SELECT raceday.replay_day('{day}'))"
        )
    with conn.transaction():
        query = sql.SQL("COPY staging.raw_responses ({}) FROM STDIN").format(
            sql.SQL(", ").join(map(sql.Identifier, m.columns))
        )
        with conn.cursor() as cur, cur.copy(query) as copy:
            for line in files.read_lines(directory / m.file):
                copy.write(line)
        # Rows arrive with their ids: new rows must be numbered after them.
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('staging.raw_responses', 'id'), "
            "greatest(max(id), 1)) FROM staging.raw_responses"
        )
    loaded = time.perf_counter()
    (replayed,) = conn.execute("SELECT raceday.replay_day(%s)", (day,)).fetchone()
    return {
        "day": day,
        "rows": m.rows,
        "replayed": replayed,
        "load_seconds": round(loaded - t0, 3),
        "replay_seconds": round(time.perf_counter() - loaded, 3),
    }
