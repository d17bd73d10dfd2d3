"""The derived tables a shadow run compares, how each is keyed and scoped,
and which columns it ignores."""

from __future__ import annotations

# Every table the transforms write, with the natural key rows are matched on
# (never a serial id: a replay numbers rows anew) and how a table's rows are
# limited to the replayed races. change_feed is left out: it is a log of
# notifications, not data, and its ids and stamps are all a replay's own.
SCOPE_RACE = "race_id = ANY(%(races)s)"
SCOPE_MEETING = "meeting_id IN (SELECT r.meeting_id FROM raceday.races r WHERE r.race_id = ANY(%(races)s))"

TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "raceday.meetings": (("meeting_id",), SCOPE_MEETING),
    "raceday.races": (("race_id",), SCOPE_RACE),
    "raceday.entrants": (("entrant_id",), SCOPE_RACE),
    "raceday.race_pools": (("race_id",), SCOPE_RACE),
    "raceday.race_results": (("race_id",), SCOPE_RACE),
    "raceday.money_flow_history": (("race_id", "entrant_id", "event_timestamp"), SCOPE_RACE),
    "raceday.money_flow_latest": (("race_id", "entrant_id", "time_interval"), SCOPE_RACE),
    "raceday.odds_history": (("entrant_id", "odds_type", "event_timestamp"), SCOPE_RACE),
    "raceday.poll_quality": (("staging_id",), SCOPE_RACE),
    "raceday.race_alerts": (("race_id", "entrant_id", "time_interval", "kind"), SCOPE_RACE),
}

# Columns that differ between two correct runs: when a row was written or
# touched (a replay writes it now), and identity columns, which a replay
# numbers anew. Identity columns are found in the catalog; these by name.
STAMPS = ("created_at", "updated_at")

# Columns of one table that a replay cannot reproduce either:
# - money_flow_latest.id is a copy of the history row's identity id;
# - races.last_status_change, when a meetings page changed the status, is
#   the meetings transform's now() (the time of the write, not of the
#   observation), so a replay stamps it with its own time.
UNREPRODUCIBLE = {
    "raceday.money_flow_latest": ("id",),
    "raceday.races": ("last_status_change",),
}

IDENTITY_COLUMNS = """
    SELECT a.attname FROM pg_attribute a
    WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND (a.attidentity <> '' OR pg_get_expr((SELECT d.adbin FROM pg_attrdef d
                                              WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum),
                                             a.attrelid) LIKE 'nextval(%%')
"""


def ignored(conn, table: str) -> list[str]:
    """The columns of `table` left out of the comparison in this database."""
    identity = [name for (name,) in conn.execute(IDENTITY_COLUMNS, (table,))]
    return sorted(set(identity) | set(STAMPS) | set(UNREPRODUCIBLE.get(table, ())))


def exists(conn, table: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]


def rows_sql(table: str, scope: str, drop: list[str]) -> str:
    """Each row in scope as jsonb without the ignored columns."""
    minus = "".join(f" - '{c}'" for c in drop)
    return f"SELECT to_jsonb(t){minus} FROM {table} t WHERE {scope}"
