"""Every change of sqitch.plan deploys, verifies, reverts and deploys again.

The session's database was deployed by the harness; this reverts it to
nothing, checks that nothing of raceday is left and that every verify script
then fails (a verify that cannot fail proves nothing), deploys again with
verification, and checks the catalog came back identical.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from harness import ROOT, sqitch_target

CHANGES = [
    line.split()[0]
    for line in (ROOT / "sqitch.plan").read_text().splitlines()
    if line and not line.startswith(("%", "#", "@"))
]

# What a deploy makes, as text: relations, columns, constraints, indexes,
# functions, privileges, partition bounds, role settings.
FINGERPRINT = """
SELECT string_agg(x, E'\n' ORDER BY x) FROM (
    SELECT format('rel %s %s %s %s', c.oid::regclass, c.relkind, c.relacl,
                  pg_get_expr(c.relpartbound, c.oid)) AS x
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('staging', 'raceday', 'api', 'ops')
    UNION ALL
    SELECT format('col %s.%s %s %s %s', a.attrelid::regclass, a.attname,
                  format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname IN ('staging', 'raceday', 'api', 'ops') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT format('con %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace::regnamespace::text IN ('staging', 'raceday', 'api', 'ops')
    UNION ALL
    SELECT format('fn %s %s %s', p.oid::regprocedure, p.proacl, md5(p.prosrc))
    FROM pg_proc p WHERE p.pronamespace::regnamespace::text IN ('staging', 'raceday', 'api', 'ops')
    UNION ALL
    SELECT format('nsp %s %s %s', nspname, nspowner::regrole, nspacl) FROM pg_namespace
    WHERE nspname IN ('staging', 'raceday', 'api', 'ops', 'public', 'cron')
    UNION ALL
    SELECT format('role %s %s %s %s', rolname, rolcanlogin, rolinherit,
                  (SELECT setconfig FROM pg_db_role_setting WHERE setrole = r.oid AND setdatabase = 0))
    FROM pg_roles r WHERE rolname IN ('raceday_owner', 'raceday_fetcher', 'authenticator', 'web_anon')
    UNION ALL
    SELECT format('ext %s %s', extname, extversion) FROM pg_extension
) t
"""


def sqitch(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SQITCH_FULLNAME": "raceday tests", "SQITCH_EMAIL": "tests@localhost", **env}
    return subprocess.run(["sqitch", *args], cwd=ROOT, env=env, text=True, capture_output=True, timeout=300)


def psql_file(url: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)],
        text=True,
        capture_output=True,
        timeout=60,
    )


PARTITION_DAY = re.compile(r"_history_(\d{8})(?!\d)")


def fingerprint(url: str) -> str:
    """The catalog as text, less the daily history partitions that data made:
    earlier tests ingest polls of other days (each gets its partition), and a
    deploy makes only today's NZ racing day and the next seven."""
    today = datetime.now(ZoneInfo("Pacific/Auckland")).date()
    deployed = {(today + timedelta(days=k)).strftime("%Y%m%d") for k in range(8)}
    with psycopg.connect(url) as conn:
        text = conn.execute(FINGERPRINT).fetchone()[0]
    return "\n".join(
        line for line in text.splitlines() if all(day in deployed for day in PARTITION_DAY.findall(line))
    )


def scripts_of_plan() -> list[str]:
    """A script per change; a reworked change keeps each earlier version as
    reworked/<folder>/name@tag.sql, tag being the last one before the change's
    next version, so deploy/ revert/ verify/ hold only the live versions."""
    lines = [
        line.split()[0]
        for line in (ROOT / "sqitch.plan").read_text().splitlines()
        if line and not line.startswith(("%", "#"))
    ]
    names = []
    for i, name in enumerate(lines):
        if name.startswith("@"):
            continue
        if name in lines[i + 1 :]:
            rework = lines.index(name, i + 1)
            name = "reworked/" + name + [t for t in lines[i + 1 : rework] if t.startswith("@")][-1]
        names.append(name)
    return sorted(names)


def test_plan_lists_every_script():
    """Live scripts in deploy/ revert/ verify/, earlier versions under reworked/."""
    for folder in ("deploy", "revert", "verify"):
        live = [p.stem for p in (ROOT / folder).glob("*.sql")]
        earlier = ["reworked/" + p.stem for p in (ROOT / "reworked" / folder).glob("*.sql")]
        assert all("@" not in name for name in live), f"{folder}/ holds an earlier version"
        assert sorted(live + earlier) == scripts_of_plan(), f"{folder}/ and sqitch.plan disagree"


def test_every_script_says_why():
    for change in CHANGES:
        text = (ROOT / "deploy" / f"{change}.sql").read_text()
        assert "-- Why:" in text, f"deploy/{change}.sql has no header saying why"


def test_deploy_verify_revert_deploy(database_url: str):
    target = sqitch_target(database_url)
    before = fingerprint(database_url)
    assert "rel raceday.money_flow_history" in before

    result = sqitch("verify", target)
    assert result.returncode == 0, result.stdout + result.stderr

    result = sqitch("revert", "-y", target)
    assert result.returncode == 0, result.stdout + result.stderr
    for change in CHANGES:
        assert f"- {change} " in result.stdout, f"{change} was not reverted"

    with psycopg.connect(database_url) as conn:
        left = conn.execute("""
            SELECT count(*) FROM pg_namespace WHERE nspname IN ('staging', 'raceday', 'api', 'ops')
            UNION ALL
            SELECT count(*) FROM pg_roles
            WHERE rolname IN ('raceday_owner', 'raceday_fetcher', 'authenticator', 'web_anon')
            UNION ALL
            SELECT count(*) FROM pg_extension WHERE extname IN ('pg_cron', 'plpython3u')
        """).fetchall()
    assert [n for (n,) in left] == [0, 0, 0], "revert left raceday objects behind"

    failing = [c for c in CHANGES if psql_file(database_url, ROOT / "verify" / f"{c}.sql").returncode != 0]
    assert failing == CHANGES, (
        f"these verify scripts pass on an empty database: {set(CHANGES) - set(failing)}"
    )

    result = sqitch("deploy", "--verify", target)
    assert result.returncode == 0, result.stdout + result.stderr
    for change in CHANGES:
        assert f"+ {change} " in result.stdout, f"{change} was not deployed again"

    assert fingerprint(database_url) == before, "a redeploy did not rebuild the same database"


HISTORY_FOREIGN_KEYS = [
    "money_flow_history_entrant_id_fkey",
    "money_flow_history_race_id_fkey",
    "odds_history_entrant_id_fkey",
    "odds_history_race_id_fkey",
]


def test_rollback_past_staging_and_history_changes_stays_cheap(database_url: str):
    """The rollback the runbook measures: reverting raw_responses_body_text
    rewrites staging once, lz4-compressed whatever the server's default
    (pglz here, as PostgreSQL ships), and reverting history_foreign_keys adds
    the references NOT VALID, scanning no history under a lock; validating
    them afterwards, as the runbook does, succeeds. Deploying again gives
    the same database."""
    target = sqitch_target(database_url)
    before = fingerprint(database_url)
    # A body big enough to be compressed (over 2 kB), as every event's is.
    body = json.dumps(
        {
            "header": {"generated_time": "2026-07-17T01:58:00Z"},
            "data": {
                "runners": [{"name": f"runner {i}", "silks": "green and gold " * 4} for i in range(100)]
            },
        }
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            """INSERT INTO staging.raw_responses (kind, target, http_status, body, processed_at)
                        SELECT 'event', 'rollback-' || i, 200, %s, now() FROM generate_series(1, 3) i""",
            (body,),
        )
    try:
        result = sqitch(
            "revert",
            "-y",
            "--to",
            "raw_responses_body_text^",
            target,
            PGOPTIONS="-c default_toast_compression=pglz",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        with psycopg.connect(database_url, autocommit=True) as conn:
            assert (
                conn.execute("""SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute
                                   WHERE attrelid = 'staging.raw_responses'::regclass AND attname = 'body'""").fetchone()
                == ("jsonb", "l")
            )
            compression = conn.execute("""SELECT array_agg(DISTINCT pg_column_compression(body))
                                          FROM staging.raw_responses WHERE target LIKE 'rollback-%'""").fetchone()[
                0
            ]
            assert compression == ["lz4"], (
                "the revert rewrote staging with pglz (the type change resets compression)"
            )
            keys = conn.execute("""SELECT conname, convalidated FROM pg_constraint
                                   WHERE contype = 'f' AND conrelid IN ('raceday.money_flow_history'::regclass,
                                                                        'raceday.odds_history'::regclass)
                                   ORDER BY 1""").fetchall()
            assert keys == [(k, False) for k in HISTORY_FOREIGN_KEYS], (
                "the references were checked under a lock"
            )
            for key in HISTORY_FOREIGN_KEYS:
                conn.execute(
                    f"ALTER TABLE raceday.{key.split('_history')[0]}_history VALIDATE CONSTRAINT {key}"
                )
    finally:
        result = sqitch("deploy", "--verify", target)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM staging.raw_responses WHERE target LIKE 'rollback-%'")
    assert result.returncode == 0, result.stdout + result.stderr
    assert fingerprint(database_url) == before, "a redeploy did not rebuild the same database"
