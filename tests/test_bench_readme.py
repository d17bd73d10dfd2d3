"""make bench rewrites the README's per-poll table from a run's results:
each figure beside its goal, Node's and the figures the work started from,
a missed goal marked, everything outside the section left as it was."""

from __future__ import annotations

import json

from bench import readme
from harness import ROOT


def results(figures: list[tuple[str, str, float, str]]) -> dict:
    return {
        "started": "2026-12-06T23:40:00+00:00",
        "commit": "abc1234",
        "machine": {"cpus": 2},
        "figures": [
            {"section": section, "name": name, "value": value, "verdict": verdict}
            for section, name, value, verdict in figures
        ],
    }


def test_the_section_is_rewritten_from_a_run_and_nothing_else(tmp_path):
    page = tmp_path / "README.md"
    original = (ROOT / "README.md").read_text()
    page.write_text(original)
    run = tmp_path / "run.json"
    run.write_text(
        json.dumps(
            results(
                [
                    ("one race, 14 runners, 390 KB per event, 300 polls", "end to end p50", 8.04, "met"),
                    ("one race, 14 runners, 390 KB per event, 300 polls", "end to end p95", 15.5, "MISSED"),
                    ("the day again, in the database alone, 2 connections", "polls per second", 212.3, "met"),
                    (
                        "the day's floor: parse, repeat key, store, commit; no transform",
                        "polls per second",
                        301.4,
                        "",
                    ),
                    ("the machine's speed at the start of the run", "an event parsed as jsonb", 1.449, ""),
                    ("the machine's speed at the end of the run", "an event parsed as jsonb", 1.62, ""),
                ]
            )
        )
    )
    readme.update(run, page)
    text = page.read_text()
    table = text.split(readme.START, 1)[1].split(readme.END, 1)[0]
    assert (
        "| one race, end to end p50 / p95 | <= 10 / <= 14 ms | 12 / 27 | 19.8 / 24.0 | 8.0 / 15.5 (missed) |"
        in table
    )
    assert "| the day in the database alone, 2 connections | >= 200 polls/s | - | 94 | 212.3 |" in table
    # The floor has no goal: it says how much of a poll is left for its transform.
    assert "| its floor: parse, repeat key, store, commit; no transform |  | - | - | 301.4 |" in table
    assert "at commit abc1234" in table and "| the day, real path" in table
    # How fast the machine was, at the start and at the end of the run.
    assert "parsed as jsonb): 1.45 ms, then 1.62 ms;" in table
    before, after = original.split(readme.START, 1)[0], original.split(readme.END, 1)[1]
    assert text.startswith(before) and text.endswith(after)
    readme.update(run, page)
    assert page.read_text() == text  # rewriting is idempotent
