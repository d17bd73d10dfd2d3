"""Money alerts of a race, the client's rules computed once, server side
(DOMAIN.md §7), and the insider plunge. Runs inside PostgreSQL (PL/Python,
deployed by sqitch from this file) and under pytest; standard library only,
and no import at all: a PL/Python session pays for each module it imports
(decimal alone costs it 40 ms), so the arithmetic is in floats, compared
after rounding to 9 places so that exactly 5 % is 5 %.

A race's timeline is a list of rows, the latest of each runner and bucket:
{"entrant_id", "time_interval", "incremental_win_amount", "hold_percentage",
"fixed_win_odds"}. Buckets run from 60 (an hour out) down through 0 to
negative half-minutes after the advertised start; "the previous bucket" of a
runner is the nearest larger time_interval it has a row in."""

from __future__ import annotations

MONEY_POINTS = 5.0  # share of a bucket's money up by this many points
ODDS_PERCENT = 5.0  # fixed win odds shorter by this percentage
PLUNGE_FROM = 5.0  # the plunge is looked for in the last 5 minutes' buckets
PLUNGE_POINTS = 20.0  # its share of the bucket's money jumps this much...
PLUNGE_RATIO = 3.0  # ...to this many times its share of the pool so far...
PLUNGE_ODDS = 25.0  # ...while its fixed win odds shorten by this percentage.
# Measured on the simulator's racing day: ordinary noise reaches +40 points of
# a bucket's money with odds up to 18 % shorter; its plunge takes 60-80 % of
# the late money with odds 50-75 % shorter at the first poll of the surge.


def _at_least(value: float | None, threshold: float) -> bool:
    return value is not None and round(value, 9) >= threshold


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def share_change(before: tuple[float, float], after: tuple[float, float]) -> float:
    """Points gained by a share: (part, total) before and after, e.g.
    40 of 280 then 100 of 340 is 14.29 % -> 29.41 %, +15.13 points."""
    (p0, t0), (p1, t1) = before, after
    s0 = float(p0) / float(t0) * 100 if t0 else 0.0
    s1 = float(p1) / float(t1) * 100 if t1 else 0.0
    return s1 - s0


def odds_shortening(before: object, after: object) -> float | None:
    """Percent by which fixed win odds shortened (negative: drifted);
    12.00 -> 7.00 is 41.67 %, 10.00 -> 9.50 exactly 5 %."""
    b, a = _num(before), _num(after)
    if not b or a is None:
        return None
    return (b - a) / b * 100


def bucket_shares(rows: list[dict]) -> dict[float, dict[str, float]]:
    """Per bucket, each runner's share (%) of the money that arrived in it:
    its increment over the sum of increments, negatives counted as 0."""
    by_bucket: dict[float, dict[str, float]] = {}
    for row in rows:
        inc = max(_num(row.get("incremental_win_amount")) or 0.0, 0.0)
        by_bucket.setdefault(float(row["time_interval"]), {})[row["entrant_id"]] = inc
    shares = {}
    for bucket, incs in by_bucket.items():
        total = sum(incs.values())
        shares[bucket] = {e: (i / total * 100 if total else 0.0) for e, i in incs.items()}
    return shares


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def detect(rows: list[dict], bucket: float) -> list[dict]:
    """Alerts raised in one bucket (the one a poll just wrote), against each
    runner's previous bucket: kind money, odds or plunge, with the value
    that crossed its threshold and the evidence. Sorted by runner and kind."""
    bucket = float(bucket)
    shares = bucket_shares(rows)
    by_runner: dict[str, dict[float, dict]] = {}
    for row in rows:
        by_runner.setdefault(row["entrant_id"], {})[float(row["time_interval"])] = row
    alerts = []
    for entrant, buckets in sorted(by_runner.items()):
        now = buckets.get(bucket)
        earlier = sorted(b for b in buckets if b > bucket)
        if now is None or not earlier:
            continue
        prev_bucket = earlier[0]
        prev = buckets[prev_bucket]
        share_now, share_prev = shares[bucket].get(entrant, 0.0), shares[prev_bucket].get(entrant, 0.0)
        gained = share_now - share_prev
        shortened = odds_shortening(prev.get("fixed_win_odds"), now.get("fixed_win_odds"))
        evidence = {
            "buckets": [prev_bucket, bucket],
            "shares": [_r(share_prev), _r(share_now)],
            "odds": [_r(_num(prev.get("fixed_win_odds"))), _r(_num(now.get("fixed_win_odds")))],
            "pool_share_before": _r(_num(prev.get("hold_percentage"))),
        }
        if _at_least(gained, MONEY_POINTS):
            alerts.append(
                {
                    "entrant_id": entrant,
                    "kind": "money",
                    "value": _r(gained),
                    "share": _r(share_now),
                    "evidence": evidence,
                }
            )
        if _at_least(shortened, ODDS_PERCENT):
            alerts.append(
                {
                    "entrant_id": entrant,
                    "kind": "odds",
                    "value": _r(shortened),
                    "share": _r(share_now),
                    "evidence": evidence,
                }
            )
        # The insider plunge: late money far beyond the runner's standing in
        # the pool, while its odds tumble.
        standing = max(_num(prev.get("hold_percentage")) or 0.0, 1.0)
        if (
            bucket <= PLUNGE_FROM
            and _at_least(gained, PLUNGE_POINTS)
            and _at_least(share_now, PLUNGE_RATIO * standing)
            and _at_least(shortened, PLUNGE_ODDS)
        ):
            alerts.append(
                {
                    "entrant_id": entrant,
                    "kind": "plunge",
                    "value": _r(gained),
                    "share": _r(share_now),
                    "evidence": evidence,
                }
            )
    return alerts
