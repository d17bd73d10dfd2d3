"""Money alerts of a race, the client's rules computed once, server side
(DOMAIN.md §7), and the insider plunge. Runs inside PostgreSQL (PL/Python,
deployed by sqitch from this file) and under pytest; standard library only.

A race's timeline is a list of rows, the latest of each runner and bucket:
{"entrant_id", "time_interval", "incremental_win_amount", "hold_percentage",
"fixed_win_odds"}. Buckets run from 60 (an hour out) down through 0 to
negative half-minutes after the advertised start; "the previous bucket" of a
runner is the nearest larger time_interval it has a row in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MONEY_POINTS = Decimal(5)       # share of a bucket's money up by this many points
ODDS_PERCENT = Decimal(5)       # fixed win odds shorter by this percentage
PLUNGE_FROM = Decimal(5)        # the plunge is looked for in the last 5 minutes' buckets
PLUNGE_POINTS = Decimal(20)     # its share of the bucket's money jumps this much...
PLUNGE_RATIO = Decimal(3)       # ...to this many times its share of the pool so far...
PLUNGE_ODDS = Decimal(25)       # ...while its fixed win odds shorten by this percentage.
# Measured on the simulator's racing day: ordinary noise reaches +40 points of
# a bucket's money with odds up to 18 % shorter; its plunge takes 60-80 % of
# the late money with odds 50-75 % shorter at the first poll of the surge.
HUNDRED = Decimal(100)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def share_change(before: tuple[Any, Any], after: tuple[Any, Any]) -> Decimal:
    """Points gained by a share: (part, total) before and after, e.g.
    40 of 280 then 100 of 340 is 14.29 % -> 29.41 %, +15.13 points."""
    (p0, t0), (p1, t1) = before, after
    s0 = _dec(p0) / _dec(t0) * HUNDRED if _dec(t0) else Decimal(0)
    s1 = _dec(p1) / _dec(t1) * HUNDRED if _dec(t1) else Decimal(0)
    return s1 - s0


def odds_shortening(before: Any, after: Any) -> Decimal | None:
    """Percent by which fixed win odds shortened (negative: drifted);
    12.00 -> 7.00 is 41.67 %, 10.00 -> 9.50 exactly 5 %."""
    b, a = _dec(before), _dec(after)
    if not b or a is None:
        return None
    return (b - a) / b * HUNDRED


def bucket_shares(rows: list[dict[str, Any]]) -> dict[Decimal, dict[str, Decimal]]:
    """Per bucket, each runner's share (%) of the money that arrived in it:
    its increment over the sum of increments, negatives counted as 0."""
    by_bucket: dict[Decimal, dict[str, Decimal]] = {}
    for row in rows:
        inc = max(_dec(row.get("incremental_win_amount")) or Decimal(0), Decimal(0))
        by_bucket.setdefault(_dec(row["time_interval"]), {})[row["entrant_id"]] = inc
    shares = {}
    for bucket, incs in by_bucket.items():
        total = sum(incs.values())
        shares[bucket] = {e: (i / total * HUNDRED if total else Decimal(0)) for e, i in incs.items()}
    return shares


def _r(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def detect(rows: list[dict[str, Any]], bucket: Any) -> list[dict[str, Any]]:
    """Alerts raised in one bucket (the one a poll just wrote), against each
    runner's previous bucket: kind money, odds or plunge, with the value
    that crossed its threshold and the evidence. Sorted by runner and kind."""
    bucket = _dec(bucket)
    shares = bucket_shares(rows)
    by_runner: dict[str, dict[Decimal, dict[str, Any]]] = {}
    for row in rows:
        by_runner.setdefault(row["entrant_id"], {})[_dec(row["time_interval"])] = row
    alerts = []
    for entrant, buckets in sorted(by_runner.items()):
        now = buckets.get(bucket)
        earlier = sorted(b for b in buckets if b > bucket)
        if now is None or not earlier:
            continue
        prev_bucket = earlier[0]
        prev = buckets[prev_bucket]
        share_now, share_prev = shares[bucket].get(entrant, Decimal(0)), shares[prev_bucket].get(entrant, Decimal(0))
        gained = share_now - share_prev
        shortened = odds_shortening(prev.get("fixed_win_odds"), now.get("fixed_win_odds"))
        evidence = {"buckets": [float(prev_bucket), float(bucket)], "shares": [_r(share_prev), _r(share_now)],
                    "odds": [_r(_dec(prev.get("fixed_win_odds"))), _r(_dec(now.get("fixed_win_odds")))],
                    "pool_share_before": _r(_dec(prev.get("hold_percentage")))}
        if gained >= MONEY_POINTS:
            alerts.append({"entrant_id": entrant, "kind": "money", "value": _r(gained), "share": _r(share_now),
                           "evidence": evidence})
        if shortened is not None and shortened >= ODDS_PERCENT:
            alerts.append({"entrant_id": entrant, "kind": "odds", "value": _r(shortened), "share": _r(share_now),
                           "evidence": evidence})
        # The insider plunge: late money far beyond the runner's standing in
        # the pool, while its odds tumble.
        standing = max(_dec(prev.get("hold_percentage")) or Decimal(0), Decimal(1))
        if (bucket <= PLUNGE_FROM and gained >= PLUNGE_POINTS and share_now >= PLUNGE_RATIO * standing
                and shortened is not None and shortened >= PLUNGE_ODDS):
            alerts.append({"entrant_id": entrant, "kind": "plunge", "value": _r(gained), "share": _r(share_now),
                           "evidence": evidence})
    return alerts
