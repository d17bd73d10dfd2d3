"""make instructions counts a poll's instructions from two callgrind runs of a
single-user backend: the scripts it writes must ingest exactly the bodies
they quote, and its report is the difference of the two counts per poll."""

from __future__ import annotations

import pytest

from bench import instructions


def test_a_script_statement_stores_the_body_it_quotes_byte_for_byte(rolled_back):
    db = rolled_back
    race_id, polls = instructions.race_polls(2)
    t, body = polls[1]
    sql = instructions.statement(race_id, t, body)
    assert sql.endswith(";\n\n"), "a single-user backend run with -j ends a statement at ';' and a blank line"
    (staging_id,) = db.execute(sql.rstrip()).fetchone()
    stored, error = db.execute(
        "SELECT body, transform_error FROM staging.raw_responses WHERE id = %s", (staging_id,)
    ).fetchone()
    assert stored == body
    assert error is None, error
    assert (
        db.execute(
            "SELECT count(*) FROM raceday.money_flow_history WHERE staging_id = %s", (staging_id,)
        ).fetchone()[0]
        > 0
    ), "the poll was transformed: 50 minutes out, its money flow is written"


def test_a_body_that_would_end_the_quote_or_the_statement_is_refused():
    with pytest.raises(ValueError):
        instructions.statement("r", 0.0, '{"x": "' + instructions.TAG + '"}')
    with pytest.raises(ValueError):
        instructions.statement("r", 0.0, '{"x": ";\n\n"}')


def listing(rows: list[tuple[int, str]]) -> str:
    """callgrind_annotate's exclusive listing, as it prints it."""
    lines = ["Ir                 file:function", "-" * 40]
    lines += [f"{cost:,} ( 1.00%)  {name}" for cost, name in rows]
    return "\n".join(lines) + "\n"


def test_the_report_is_the_second_count_less_the_first_per_poll(tmp_path, capsys):
    (tmp_path / "base.out").write_text("events: Ir\nsummary: 400000000\n")
    (tmp_path / "measured.out").write_text("events: Ir\nsummary: 1040000000\n")
    (tmp_path / "base.txt").write_text(
        listing([(90_000_000, "???:json_lex [/usr/lib/postgresql/18/bin/postgres]")])
    )
    (tmp_path / "measured.txt").write_text(
        listing(
            [
                (90_000_000 + 10 * 20_000_000, "???:json_lex [/usr/lib/postgresql/18/bin/postgres]"),
                (10 * 5_000_000, "???:qsort_arg'2 [/usr/lib/postgresql/18/bin/postgres]"),
                (10 * 1_000_000, "/build/x/memmove.S:__memcpy_avx [/usr/lib/x86_64-linux-gnu/libc.so.6]"),
            ]
        )
    )
    assert instructions.report(tmp_path, 10) == 64_000_000
    out = capsys.readouterr().out
    assert "instructions per poll: 64.00 million" in out
    lines = out.splitlines()
    assert "json_lex (postgres)" in lines[1] and "20.00 million" in lines[1] and "31.2 %" in lines[1]
    assert "qsort_arg (postgres)" in lines[2], "a recursive function's '2 suffix is its own name"
    assert "__memcpy_avx (libc.so.6)" in lines[3]


def test_an_output_without_a_count_is_an_error(tmp_path):
    (tmp_path / "base.out").write_text("events: Ir\n")
    (tmp_path / "measured.out").write_text("summary: 5\n")
    with pytest.raises(ValueError, match="no summary"):
        instructions.report(tmp_path, 1)


def test_polls_must_be_counted(capsys):
    with pytest.raises(SystemExit):
        instructions.main(["report", "--dir", "/nonexistent", "--polls", "0"])
    assert "--polls must be at least 1" in capsys.readouterr().err
