"""plpgsql_check over every PL/pgSQL function of staging, raceday, api and ops.

PL/pgSQL is checked by the server only when a statement runs, so a misspelt
column in a branch no test reaches deploys cleanly and fails on race day.
plpgsql_check plans every statement of every function without running it.
An error-level finding fails the test with the function, line and message;
warnings (implicit casts, volatility) are reported as pytest warnings.

The extension is created in the session's test database inside a
transaction that is rolled back, so the deployed schema stays as it was.
Trigger functions are checked once for each trigger that uses them, with the
trigger's relation and transition tables (new_rows, old_rows), as they run.
"""

from __future__ import annotations

import warnings

import psycopg
import pytest

SCHEMAS = ["staging", "raceday", "api", "ops"]

# Findings plpgsql_check gets wrong here, each with why, as
# (function as regprocedure text, message). None at present.
ALLOWED: set[tuple[str, str]] = set()

FINDINGS = """
SELECT p.oid::regprocedure::text, t.tgrelid::regclass::text, c.level, c.lineno, c.message, c.detail
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
LEFT JOIN pg_trigger t ON t.tgfoid = p.oid
CROSS JOIN LATERAL plpgsql_check_function_tb(
    p.oid, coalesce(t.tgrelid, 0), fatal_errors => false, other_warnings => true, extra_warnings => true,
    performance_warnings => false, oldtable => t.tgoldtable, newtable => t.tgnewtable) c
WHERE p.pronamespace::regnamespace::text = ANY (%(schemas)s)
  -- a trigger function no trigger uses cannot be checked: listed apart
  AND (p.prorettype <> 'trigger'::regtype OR t.oid IS NOT NULL)
ORDER BY 1, 2, c.lineno
"""

# Trigger functions without a trigger: dead code, or a trigger forgotten.
UNUSED_TRIGGER_FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p
WHERE p.pronamespace::regnamespace::text = ANY (%(schemas)s) AND p.prorettype = 'trigger'::regtype
  AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgfoid = p.oid)
ORDER BY 1
"""


@pytest.fixture
def checker(rolled_back: psycopg.Connection) -> psycopg.Connection:
    """A superuser connection in a transaction holding plpgsql_check, rolled back at the end."""
    rolled_back.execute("CREATE EXTENSION plpgsql_check")
    return rolled_back


def findings(conn: psycopg.Connection, schemas: list[str]) -> list[tuple]:
    return conn.execute(FINDINGS, {"schemas": schemas}).fetchall()


def describe(finding: tuple) -> str:
    function, relation, level, line, message, detail = finding
    on = f" on {relation}" if relation else ""
    return f"{function}{on}, line {line}: {level}: {message}" + (f" ({detail})" if detail else "")


def test_every_plpgsql_function_passes(checker: psycopg.Connection):
    found = findings(checker, SCHEMAS)
    checked = checker.execute(
        """SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                                 WHERE l.lanname = 'plpgsql'
                                   AND p.pronamespace::regnamespace::text = ANY (%s)""",
        (SCHEMAS,),
    ).fetchone()[0]
    assert checked > 30, f"only {checked} PL/pgSQL functions found: the schemas were not deployed"
    for finding in found:
        if not finding[2].startswith("error"):
            warnings.warn(f"plpgsql_check: {describe(finding)}", stacklevel=1)
    errors = [describe(f) for f in found if f[2].startswith("error") and (f[0], f[4]) not in ALLOWED]
    assert not errors, "plpgsql_check found errors:\n" + "\n".join(errors)
    unused = [name for (name,) in checker.execute(UNUSED_TRIGGER_FUNCTIONS, {"schemas": SCHEMAS})]
    assert not unused, f"trigger functions no trigger uses (plpgsql_check cannot check them): {unused}"


def test_a_broken_function_is_found(checker: psycopg.Connection):
    """The check finds what the server would only find when the statement
    runs: a missing column, in a branch, of a function that deployed fine;
    and a trigger's transition table is known only with its trigger."""
    checker.execute("""
        CREATE SCHEMA lint_probe;
        CREATE TABLE lint_probe.t (a int);
        CREATE FUNCTION lint_probe.broken(x int) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
            IF x > 0 THEN
                RETURN (SELECT b FROM lint_probe.t);
            END IF;
            RETURN 0;
        END $$;
        CREATE FUNCTION lint_probe.counts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM count(*) FROM added;
            RETURN NULL;
        END $$;
        CREATE TRIGGER counts AFTER INSERT ON lint_probe.t REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION lint_probe.counts();
    """)
    assert checker.execute("SELECT lint_probe.broken(0)").fetchone() == (0,)
    found = [describe(f) for f in findings(checker, ["lint_probe"])]
    assert found == ['lint_probe.broken(integer), line 4: error: column "b" does not exist'], found
