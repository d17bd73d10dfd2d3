"""Tools of the fault matrix (test_fault_matrix.py): a transform bug put into
the database and taken out again, a crash of the server, and the accounting
of what the simulator served against what staging holds."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable

import psycopg

from harness import cluster
from tabsim.server import PREFIX, Served

BUG = "injected transform bug"


def inject_transform_bug(conn: psycopg.Connection, race_id: str) -> str:
    """Makes raceday.transform_event raise for one race, as a faulty release
    would, and returns the function's definition to put back. Replacing the
    function (same OID) rather than renaming it means every session, the
    fetchers' included, runs the new body on its next call."""
    original = conn.execute(
        "SELECT pg_get_functiondef('raceday.transform_event(bigint, jsonb)'::regprocedure)"
    ).fetchone()[0]
    marker = "\nBEGIN\n"
    assert original.count(marker) >= 1, "transform_event's body has no BEGIN line to put the bug after"
    guard = (
        f"    IF (SELECT r.target FROM staging.raw_responses r WHERE r.id = staging_id) = '{race_id}' THEN\n"
        f"        RAISE EXCEPTION '{BUG} for race %', '{race_id}';\n"
        "    END IF;\n"
    )
    buggy = original.replace(marker, marker + guard, 1)
    conn.execute("SET ROLE raceday_owner")
    try:
        conn.execute(buggy)
    finally:
        conn.execute("RESET ROLE")
    return original


def remove_transform_bug(conn: psycopg.Connection, original: str) -> None:
    conn.execute("SET ROLE raceday_owner")
    try:
        conn.execute(original)
    finally:
        conn.execute("RESET ROLE")


def crash_and_restart(instance: str, env: dict[str, str], down_s: float = 1.0) -> None:
    """An immediate shutdown (what a crash of the server looks like to its
    clients: every backend killed, no shutdown checkpoint, recovery from WAL
    at the next start), then a start."""
    cluster("stop", instance=instance, env={**env, "RACEDAY_STOP_MODE": "immediate"})
    time.sleep(down_s)
    cluster("start", instance=instance, env=env)


# -- accounting -------------------------------------------------------------

Key = tuple[str, str, int]  # (kind, target, HTTP status)


def target_of(served: Served) -> tuple[str, str] | None:
    """The staging (kind, target) a served response belongs to, named as the
    fetcher's claim names it; None for anything else."""
    if served.path.startswith(f"{PREFIX}/racing/events/"):
        return "event", served.path.rsplit("/", 1)[1]
    if served.path == f"{PREFIX}/racing/meetings":
        return "meetings", f"meetings:{served.query.get('date_from')}:{served.query.get('offset', '0')}"
    return None


def served_counts(ledger: Iterable[Served], clients: set[str] | None = None) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for s in ledger:
        named = target_of(s)
        if named is not None and (clients is None or s.client in clients):
            counts[(*named, s.status)] += 1
    return counts


def stored_counts(conn: psycopg.Connection) -> Counter[Key]:
    """Responses staging holds that came with an HTTP status, bodies and
    failures alike; a repeat of identical data is counted on its row."""
    return Counter(
        {
            (kind, target, status): n
            for kind, target, status, n in conn.execute(
                """SELECT kind, target, http_status, sum(seen_count)::integer FROM staging.raw_responses
           WHERE http_status IS NOT NULL GROUP BY 1, 2, 3"""
            )
        }
    )


def unaccounted(served: Counter[Key], stored: Counter[Key]) -> tuple[dict[Key, int], dict[Key, int]]:
    """(served but not in staging, in staging more often than served)."""
    missing = {k: n - stored[k] for k, n in served.items() if n > stored[k]}
    extra = {k: n - served[k] for k, n in stored.items() if n > served[k]}
    return missing, extra


def few(found: dict | set, shown: int = 8) -> str:
    """A failure message that names a few of what was found, and how many."""
    items = sorted(found.items() if isinstance(found, dict) else found, key=str)
    return f"{len(items)}: {items[:shown]}{' ...' if len(items) > shown else ''}"
