"""docs/schema.sql is the schema a deploy makes, so a schema change shows up
in review as a diff of one readable file.

Both sides come from scripts/schema.sh: `make schema` writes the file from a
fresh deploy, and these tests dump the session's freshly deployed database
the same way (pg_dump --schema-only, normalised).
"""

from __future__ import annotations

import difflib
import subprocess

import psycopg
import pytest
from psycopg import sql

from harness import ROOT

SNAPSHOT = ROOT / "docs" / "schema.sql"


def dump_schema(url: str) -> str:
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "schema.sh"), "dump", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"scripts/schema.sh dump failed:\n{proc.stderr}"
    return proc.stdout


def unified_diff(committed: str, deployed: str) -> str:
    return "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            deployed.splitlines(keepends=True),
            "docs/schema.sql (committed)",
            "the deployed schema",
        )
    )


def test_committed_schema_is_the_deployed_one(database_url: str):
    diff = unified_diff(SNAPSHOT.read_text(), dump_schema(database_url))
    if diff:
        pytest.fail(
            f"docs/schema.sql is not the deployed schema: run `make schema` and commit it\n{diff}",
            pytrace=False,
        )


def test_a_changed_comment_makes_a_diff(db: psycopg.Connection, database_url: str):
    """The dump sees what a deploy changes: a comment altered for the length
    of this test (pg_dump reads committed state only; it is put back after)."""
    before = dump_schema(database_url)
    original = db.execute("SELECT obj_description('raceday.races'::regclass, 'pg_class')").fetchone()[0]
    assert original, "raceday.races has no comment to alter"
    try:
        db.execute("COMMENT ON TABLE raceday.races IS 'altered by test_schema_snapshot'")
        diff = unified_diff(before, dump_schema(database_url))
    finally:
        db.execute(sql.SQL("COMMENT ON TABLE raceday.races IS {}").format(sql.Literal(original)))
    changed = [line for line in diff.splitlines() if line.startswith(("-", "+"))]
    assert changed == [
        "--- docs/schema.sql (committed)",
        "+++ the deployed schema",
        f"-COMMENT ON TABLE raceday.races IS {sql.quote(original)};",
        "+COMMENT ON TABLE raceday.races IS 'altered by test_schema_snapshot';",
    ]
    assert dump_schema(database_url) == before, "the comment was not put back"
