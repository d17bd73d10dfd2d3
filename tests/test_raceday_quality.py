"""plpython/raceday_quality.py, table-driven, without a database."""

from __future__ import annotations

import pytest

from plpython.raceday_quality import score

GOOD = {
    "status": "open",
    "hold_sum": 100.0,
    "bet_sum": 99.5,
    "stray_ids": 0,
    "missing_pools": [],
    "field_size": 10,
    "active_runners": 10,
    "negative_increments": 0,
    "delay_s": 0.4,
}


@pytest.mark.parametrize(
    "change, expected_score, reason",
    [
        ({}, 100, None),
        ({"hold_sum": 94.9}, 75, "hold sums to 94.90 over the field (expected 95-105)"),
        ({"hold_sum": 105.0}, 100, None),
        ({"hold_sum": None}, 75, "hold missing: the money tracker named no runner"),
        ({"bet_sum": 120}, 85, "bet sums to 120.00 over the field (expected 95-105)"),
        ({"stray_ids": 2}, 90, "2 money-tracker ids not among the runners"),
        ({"missing_pools": ["win"]}, 80, "no Win pool total"),
        ({"missing_pools": ["win", "place"]}, 70, "no Place pool total"),
        ({"field_size": 12}, 90, "field size 12 but 10 runners not scratched"),
        ({"negative_increments": 1}, 90, "1 negative increment"),
        ({"delay_s": 61}, 80, "generated 61 s before it was received"),
        ({"delay_s": 60}, 100, None),
        # Once betting closes, the sums and pools are not judged; the rest is.
        (
            {"status": "final", "hold_sum": 3, "missing_pools": ["win"], "stray_ids": 1},
            90,
            "1 money-tracker id not among the runners",
        ),
    ],
)
def test_score(change, expected_score, reason):
    result = score({**GOOD, **change})
    assert result["score"] == expected_score
    if reason is None:
        assert result["reasons"] == []
    else:
        assert reason in result["reasons"]


def test_everything_wrong_is_zero_and_lists_every_reason():
    result = score(
        {
            "status": "open",
            "hold_sum": None,
            "bet_sum": None,
            "stray_ids": 3,
            "missing_pools": ["win", "place"],
            "field_size": 9,
            "active_runners": 8,
            "negative_increments": 4,
            "delay_s": 600,
        }
    )
    assert result["score"] == 0 and len(result["reasons"]) == 8


def test_missing_facts_are_not_judged():
    assert score({"status": "open"}) == {"score": 100, "reasons": []}
