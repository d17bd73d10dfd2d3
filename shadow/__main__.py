"""python -m shadow: copies the last hours of stored responses from the
running database into a database holding a candidate schema, replays them
through the candidate's transform, and reports, table by table, every derived
row that differs from the running database's. Exits 1 on a difference in a
table not named by --expect-change. scripts/shadow.sh (make shadow) deploys
the candidate into a throw-away cluster and runs this against it."""

from __future__ import annotations

import argparse
import json
import sys

import psycopg

from .tables import TABLES, exists, ignored, rows_sql

# The polls replayed: every event poll of each race polled within the window
# (whole races, so a race is rebuilt from its first poll as it was live), and
# the meetings pages from a day before the first of them on, which create the
# races and their meetings before the events arrive.
RACES = """
    SELECT array_agg(DISTINCT r.race_id) FROM raceday.races r
    WHERE r.race_id::text IN (SELECT s.target FROM staging.raw_responses s
                              WHERE s.kind = 'event' AND s.received_at >= now() - make_interval(secs => %s))
"""
POLLS = """
    SELECT {columns} FROM staging.raw_responses s
    WHERE s.kind = 'event' AND s.target = ANY(%(targets)s)
       OR s.kind <> 'event' AND s.received_at >= (SELECT min(e.received_at) - interval '1 day'
                                                  FROM staging.raw_responses e
                                                  WHERE e.kind = 'event' AND e.target = ANY(%(targets)s))
"""

# In arrival order, each poll with the database's clock at its receipt, as the
# live ingest saw it (the meetings transform reads raceday.clock()).
REPLAY = """
DO $$
DECLARE
    poll record;
BEGIN
    FOR poll IN SELECT s.id, s.kind, s.received_at FROM staging.raw_responses s
                WHERE s.body IS NOT NULL ORDER BY s.id
    LOOP
        UPDATE raceday.settings SET clock_virtual = poll.received_at, clock_real = now(), clock_speed = 1;
        PERFORM raceday.run_transform(poll.id, poll.kind);
    END LOOP;
    UPDATE raceday.settings SET clock_virtual = NULL, clock_real = NULL, clock_speed = 1;
END
$$
"""

# Missing: a key the running database has and the candidate not; extra: the
# reverse; changed: the same key with other values.
DIFF = """
    WITH r AS (SELECT key, row FROM shadow_run.rows WHERE tbl = %(t)s AND side = 'running'),
         c AS (SELECT key, row FROM shadow_run.rows WHERE tbl = %(t)s AND side = 'candidate')
    SELECT coalesce(r.key, c.key) AS key,
           CASE WHEN c.key IS NULL THEN 'missing' WHEN r.key IS NULL THEN 'extra' ELSE 'changed' END AS what,
           r.row AS running, c.row AS candidate
    FROM r FULL JOIN c ON r.key = c.key
    WHERE r.row IS DISTINCT FROM c.row
    ORDER BY 2, 1::text
"""


def columns(conn) -> list[str]:
    return [
        c
        for (c,) in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'staging.raw_responses'::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
    ]


def store(dst, table: str, side: str, rows_json: str) -> None:
    """Keeps one side's rows of a table, each with its natural key."""
    dst.execute(
        "INSERT INTO shadow_run.rows SELECT %s, %s, (SELECT jsonb_object_agg(k, r -> k) FROM unnest(%s::text[]) k), r "
        "FROM jsonb_array_elements(%s::jsonb) r",
        (table, side, list(TABLES[table][0]), rows_json),
    )


def rows_json(conn, table: str, races: list, drop: list[str]) -> str:
    """The rows of `table` in scope as one JSON array, as text: numbers keep
    every digit on the way from one database to the other."""
    (rows,) = conn.execute(
        f"SELECT coalesce(jsonb_agg(x.j), '[]')::text FROM ({rows_sql(table, TABLES[table][1], drop)}) x(j)",
        {"races": races},
    ).fetchone()
    return rows


def shown(diff: tuple, limit_columns: int = 8) -> str:
    key, what, running, candidate = diff
    if what == "missing":
        return f"  missing {json.dumps(key)}: {json.dumps(running, default=str)}"
    if what == "extra":
        return f"  extra   {json.dumps(key)}: {json.dumps(candidate, default=str)}"
    names = sorted(set(running) | set(candidate))
    changes = [
        f"{n}: {json.dumps(running.get(n, '<no column>'))} -> {json.dumps(candidate.get(n, '<no column>'))}"
        for n in names
        if running.get(n, "<no column>") != candidate.get(n, "<no column>")
    ]
    return f"  changed {json.dumps(key)}: " + "; ".join(changes[:limit_columns])


def run(source_url: str, shadow_url: str, hours: float, expect: set[str], show: int, out) -> int:
    with psycopg.connect(source_url) as src, psycopg.connect(shadow_url, autocommit=True) as dst:
        # One snapshot for the polls and the rows derived from them: the
        # running database goes on ingesting meanwhile.
        src.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (races,) = src.execute(RACES, (hours * 3600,)).fetchone()
        races = races or []
        if not races:
            print(f"shadow: no race was polled in the last {hours:g} h: nothing to compare", file=out)
            return 0
        # The pg_cron jobs of the throw-away cluster (sweep, pruning) would
        # change what the replay writes.
        dst.execute("SELECT cron.alter_job(jobid, active := false) FROM cron.job")
        cols = ", ".join(c for c in columns(src) if c in set(columns(dst)))
        targets = [str(r) for r in races]
        quarantined_before = {
            i
            for (i,) in src.execute(
                f"SELECT s.id FROM ({POLLS.format(columns='s.id, s.transform_error')}) s "
                "WHERE s.transform_error IS NOT NULL",
                {"targets": targets},
            )
        }
        with (
            src.cursor().copy(
                f"COPY ({POLLS.format(columns=cols)}) TO STDOUT (FORMAT binary)".replace("%(targets)s", "%s"),
                (targets, targets),
            ) as reader,
            dst.cursor().copy(f"COPY staging.raw_responses ({cols}) FROM STDIN (FORMAT binary)") as writer,
        ):
            for block in reader:
                writer.write(block)
        dst.execute("CREATE SCHEMA shadow_run")
        dst.execute("CREATE TABLE shadow_run.rows (tbl text, side text, key jsonb, row jsonb)")
        present = {t: (exists(src, t), exists(dst, t)) for t in TABLES}
        drops = {
            t: sorted(
                set(ignored(src, t) if present[t][0] else []) | set(ignored(dst, t) if present[t][1] else [])
            )
            for t in TABLES
        }
        for t in TABLES:
            if present[t][0]:
                store(dst, t, "running", rows_json(src, t, races, drops[t]))
        src.rollback()

        (first, last) = dst.execute(
            "SELECT min(coalesce(generated_at, received_at)), max(received_at) FROM staging.raw_responses"
        ).fetchone()
        dst.execute(
            "SELECT raceday.ensure_history_partitions(raceday.nz_racing_day(%s), "
            "raceday.nz_racing_day(%s) + 1)",
            (first, last),
        )
        (polls,) = dst.execute("SELECT count(*) FROM staging.raw_responses WHERE body IS NOT NULL").fetchone()
        dst.execute(REPLAY)
        for t in TABLES:
            if present[t][1]:
                store(dst, t, "candidate", rows_json(dst, t, races, drops[t]))
        quarantined_after = {
            i
            for (i,) in dst.execute("SELECT id FROM staging.raw_responses WHERE transform_error IS NOT NULL")
        }

        print(
            f"shadow: replayed {polls} stored responses ({len(races)} races polled in the last {hours:g} h)",
            file=out,
        )
        unexpected = 0
        for t in TABLES:
            note = " (expected to change)" if t in expect else ""
            if present[t] != (True, True):
                print(
                    f"{t}: {'not in the candidate' if present[t][0] else 'new in the candidate'}{note}",
                    file=out,
                )
                unexpected += t not in expect
                continue
            diffs = dst.execute(DIFF, {"t": t}).fetchall()
            (rows,) = dst.execute(
                "SELECT count(*) FROM shadow_run.rows WHERE tbl = %s AND side = 'running'", (t,)
            ).fetchone()
            if not diffs:
                print(f"{t}: {rows} rows, no differences", file=out)
                continue
            counts = {w: sum(1 for d in diffs if d[1] == w) for w in ("missing", "extra", "changed")}
            print(
                f"{t}: {counts['missing']} missing, {counts['extra']} extra, {counts['changed']} changed "
                f"of {rows} rows{note}; ignored columns: {', '.join(drops[t])}",
                file=out,
            )
            for d in diffs[:show]:
                print(shown(d), file=out)
            unexpected += t not in expect
        newly = sorted(quarantined_after - quarantined_before)
        healed = sorted(quarantined_before - quarantined_after)
        if newly or healed:
            print(
                f"staging.raw_responses: the candidate quarantines {len(newly)} responses the running release "
                f"transformed (ids {newly[:show]}), and transforms {len(healed)} it quarantined "
                f"(ids {healed[:show]})",
                file=out,
            )
            unexpected += bool(newly)
        if unexpected:
            print(f"shadow: differences in {unexpected} tables not expected to change", file=out)
            return 1
        print("shadow: no differences" if not expect else "shadow: no unexpected differences", file=out)
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shadow", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="libpq URL of the running database (superuser)")
    parser.add_argument("--shadow", required=True, help="libpq URL of the database holding the candidate")
    parser.add_argument(
        "--hours", type=float, default=2.0, help="replay the races polled in the last N hours"
    )
    parser.add_argument("--expect-change", default="", help="comma-separated tables expected to change")
    parser.add_argument("--show", type=int, default=5, help="differences shown per table (default 5)")
    args = parser.parse_args(argv)
    if not 0 < args.hours <= 24 * 7:
        parser.error("--hours must be within 0..168 (staging keeps seven days)")
    expect = {t.strip() for t in args.expect_change.split(",") if t.strip()}
    unknown = expect - set(TABLES) - {"staging.raw_responses"}
    if unknown:
        parser.error(
            f"--expect-change names tables the shadow run does not compare: {', '.join(sorted(unknown))} "
            f"(it compares {', '.join(TABLES)})"
        )
    try:
        return run(args.source, args.shadow, args.hours, expect, args.show, sys.stdout)
    except psycopg.Error as err:
        print(f"shadow: error: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
