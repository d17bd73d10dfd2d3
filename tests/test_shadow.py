"""make shadow (scripts/shadow.sh, python -m shadow): the current release
replayed against itself shows no differences; a candidate whose transform
was altered is named, table by table, with the rows that changed."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness import ROOT

SHADOW = ROOT / "scripts" / "shadow.sh"


@pytest.fixture(scope="module")
def running(database_url):
    """The test database holding a quarter of an hour of racing, replayed through the
    real schedule: the running release's stored responses and rows."""
    import psycopg

    from harness import empty_database, replay

    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
        replay(database_url, 0.25, seed=5, form_size=3, min_polls=50)
        yield database_url
        empty_database(conn)


def shadow(source: str, candidate: str, *extra: str, repo: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SHADOW), candidate, "2", *extra],
        cwd=repo,
        text=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "RACEDAY_SHADOW_SOURCE": source},
    )


def test_the_release_against_itself_differs_in_nothing(running):
    proc = shadow(running, "HEAD")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "shadow: no differences" in proc.stdout
    assert "raceday.odds_history: 0 rows" not in proc.stdout, "the replay compared no odds"
    for table in ("raceday.races", "raceday.entrants", "raceday.odds_history", "raceday.money_flow_history"):
        assert (
            f"{table}: " in proc.stdout
            and "no differences" in proc.stdout.split(f"{table}: ")[1].splitlines()[0]
        )


def alter(script: Path, old: str, new: str) -> None:
    text = script.read_text()
    assert old in text, f"{script.name} no longer has the expression this test alters: {old}"
    script.write_text(text.replace(old, new))


def line_of(out: str, table: str) -> str:
    return next(x for x in out.splitlines() if x.startswith(f"{table}: "))


def test_altered_transforms_are_named_with_their_rows(running):
    with tempfile.TemporaryDirectory() as tmp:
        # A throw-away candidate: a worktree of HEAD, committed there, whose
        # odds transform records every price a tenth higher and whose money
        # flow stamps each poll a second after it was received.
        work = Path(tmp) / "candidate"
        git = ["git", "-C", str(ROOT)]
        subprocess.run(
            [*git, "worktree", "add", "--detach", str(work), "HEAD"], check=True, capture_output=True
        )
        try:
            alter(work / "deploy" / "transform_odds.sql", "round(o.value, 2)", "round(o.value * 1.1, 2)")
            alter(
                work / "deploy" / "transform_money_flow.sql",
                "f.pool_place, observed, received_at",
                "f.pool_place, observed, received_at + interval '1 second'",
            )
            cwd = ["git", "-C", str(work), "-c", "user.name=raceday", "-c", "user.email=raceday@localhost"]
            subprocess.run([*cwd, "commit", "-qam", "throw-away: altered odds and money flow"], check=True)
            rev = subprocess.run(
                [*cwd, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
            ).stdout.strip()

            # Odds are declared to change, the money flow is not: that fails it.
            proc = shadow(running, rev, "raceday.odds_history")
            out = proc.stdout
            assert proc.returncode == 1, out + proc.stderr
            odds = line_of(out, "raceday.odds_history")
            assert odds.endswith("(expected to change)") or "(expected to change);" in odds, out
            assert " changed of " in odds and " 0 changed" not in odds, out
            assert '"odds_type": "' in out and "odds: " in out, out
            flow = line_of(out, "raceday.money_flow_history")
            assert " changed of " in flow and " 0 changed" not in flow and "expected" not in flow, out
            assert "polling_timestamp: " in out, out
            for table in ("raceday.races", "raceday.entrants", "raceday.race_pools"):
                assert line_of(out, table).endswith("no differences"), out
            assert "not expected to change" in out.splitlines()[-1], out
        finally:
            subprocess.run(
                [*git, "worktree", "remove", "--force", str(work)], check=False, capture_output=True
            )
            subprocess.run([*git, "worktree", "prune"], check=False, capture_output=True)
