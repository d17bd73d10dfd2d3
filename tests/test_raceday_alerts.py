"""plpython/raceday_alerts.py, table-driven, without a database; the
client's own cases first (DOMAIN.md §7)."""

from __future__ import annotations

import pytest

from plpython.raceday_alerts import bucket_shares, detect, odds_shortening, share_change


@pytest.mark.parametrize(
    "before, after, points, alert",
    [
        ((40, 280), (100, 340), 15.13, True),  # the client's case: about +15 points
        ((50, 100), (52, 100), 2.00, False),  # 50/50 -> 52/48: +2, none
        ((10, 100), (15, 100), 5.00, True),  # exactly 5 points alerts
        ((0, 0), (10, 20), 50.00, True),  # a bucket without money counts as 0 %
    ],
)
def test_share_change(before, after, points, alert):
    change = share_change(before, after)
    assert round(change, 2) == points
    assert (round(change, 9) >= 5) is alert


@pytest.mark.parametrize(
    "before, after, percent, alert",
    [
        ("12.00", "7.00", 41.67, True),  # the client's case
        ("10.00", "9.50", 5.00, True),  # exactly 5 %: an alert
        ("1.15", "1.0925", 5.00, True),  # 5 % in binary floating point is 4.99999...: still an alert
        ("10.00", "9.55", 4.50, False),
        ("4.00", "5.00", -25.00, False),  # drifting is no alert
    ],
)
def test_odds_shortening(before, after, percent, alert):
    value = odds_shortening(before, after)
    assert round(value, 2) == percent
    alerts = detect([row("a", 2, 1, 50, before), row("a", 1, 1, 50, after)], 1)
    assert any(a["kind"] == "odds" for a in alerts) is alert


def test_odds_missing():
    assert odds_shortening(None, "3.0") is None and odds_shortening("3.0", None) is None


def row(entrant, bucket, inc, hold=None, odds=None):
    return {
        "entrant_id": entrant,
        "time_interval": bucket,
        "incremental_win_amount": inc,
        "hold_percentage": hold,
        "fixed_win_odds": odds,
    }


def test_bucket_shares_count_negatives_as_zero():
    shares = bucket_shares([row("a", 5, 300), row("b", 5, 100), row("c", 5, -50)])
    assert shares[5.0] == {"a": 75.0, "b": 25.0, "c": 0.0}


def test_money_and_odds_alerts_against_the_previous_bucket():
    rows = [
        row("a", 10, 40, 14, "12.00"),
        row("b", 10, 240, 86, "1.50"),
        row("a", 5, 100, 20, "7.00"),
        row("b", 5, 240, 80, "1.45"),
    ]
    alerts = {(a["entrant_id"], a["kind"]): a for a in detect(rows, 5)}
    assert set(alerts) == {("a", "money"), ("a", "odds")}
    assert alerts[("a", "money")]["value"] == 15.13 and alerts[("a", "odds")]["value"] == 41.67
    assert alerts[("a", "money")]["evidence"] == {
        "buckets": [10.0, 5.0],
        "shares": [14.29, 29.41],
        "odds": [12.0, 7.0],
        "pool_share_before": 14.0,
    }
    assert detect(rows, 10) == [], "the first bucket has nothing to compare with"


def test_previous_bucket_is_the_nearest_earlier_one_the_runner_has():
    rows = [
        row("a", 20, 50, 50, "3.00"),
        row("b", 20, 50, 50, "3.00"),
        row("a", 4, 80, 50, "2.80"),
        row("b", 4, 20, 50, "3.40"),
    ]
    assert [(a["entrant_id"], a["kind"], a["evidence"]["buckets"]) for a in detect(rows, 4)] == [
        ("a", "money", [20.0, 4.0]),
        ("a", "odds", [20.0, 4.0]),
    ]


@pytest.mark.parametrize(
    "late_share_of_a, odds_after, bucket, plunge",
    [
        (60, "9.00", 1, True),  # a 3 % outsider takes 60 % of the late money, odds in: the plunge
        (60, "12.00", 1, False),  # odds did not shorten
        (60, "10.80", 1, False),  # 10 % shorter is ordinary movement
        (60, "9.00", 0, True),  # 25 % shorter, in the last minute
        (60, "9.00", 10, False),  # too early: not the last five minutes
        (8, "9.00", 1, False),  # not three times its standing
    ],
)
def test_plunge(late_share_of_a, odds_after, bucket, plunge):
    rows = [
        row("a", bucket + 1, 3, 3, "12.00"),
        row("b", bucket + 1, 97, 97, "1.10"),
        row("a", bucket, late_share_of_a, 3, odds_after),
        row("b", bucket, 100 - late_share_of_a, 90, "1.20"),
    ]
    kinds = [(a["entrant_id"], a["kind"]) for a in detect(rows, bucket)]
    assert (("a", "plunge") in kinds) is plunge
    assert ("b", "plunge") not in kinds


def test_favourite_noise_is_no_plunge():
    # A 40 % favourite taking 70 % of one bucket's money is a money alert, not a plunge.
    rows = [
        row("fav", 2, 40, 40, "2.20"),
        row("x", 2, 60, 60, "1.80"),
        row("fav", 1, 70, 42, "2.00"),
        row("x", 1, 30, 58, "1.90"),
    ]
    assert [(a["entrant_id"], a["kind"]) for a in detect(rows, 1)] == [("fav", "money"), ("fav", "odds")]
