"""Data-quality score of one event poll: 0-100 and the reasons for what it
lost. Runs inside PostgreSQL (PL/Python, deployed by sqitch from this file)
and under pytest; standard library only, Python 3.11 and 3.14."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs a PL/Python session 40 ms to import
    from typing import Any

TOLERANCE = 5.0  # hold and bet percentages over the field sum to 100 +- this
STALE_AFTER_S = 60.0  # generated_time this much before receipt is stale
# Checks of the money only mean something while betting is open.
BETTING = ("open", "closed")

PENALTIES = {
    "hold_sum": 25,
    "bet_sum": 15,
    "stray_ids": 10,
    "win_pool": 20,
    "place_pool": 10,
    "field_size": 10,
    "negative_increments": 10,
    "stale": 20,
}


def _percent_sum(name: str, value: float | None) -> str | None:
    if value is None:
        return f"{name} missing: the money tracker named no runner"
    if abs(value - 100.0) > TOLERANCE:
        return f"{name} sums to {value:.2f} over the field (expected {100 - TOLERANCE:g}-{100 + TOLERANCE:g})"
    return None


def score(facts: dict[str, Any]) -> dict[str, Any]:
    """facts: status, hold_sum, bet_sum, stray_ids, missing_pools (list),
    field_size, active_runners, negative_increments, delay_s (receipt minus
    generated_time). Missing facts are not judged. Returns {"score", "reasons"}
    with one reason per check failed, in a fixed order."""
    failed: list[tuple[str, str]] = []
    if facts.get("status") in BETTING:
        for key, name in (("hold_sum", "hold"), ("bet_sum", "bet")):
            if key in facts:
                reason = _percent_sum(name, None if facts[key] is None else float(facts[key]))
                if reason:
                    failed.append((key, reason))
        for pool in ("win", "place"):
            if pool in (facts.get("missing_pools") or []):
                failed.append((f"{pool}_pool", f"no {pool.title()} pool total"))
    stray = facts.get("stray_ids") or 0
    if stray:
        failed.append(
            ("stray_ids", f"{stray} money-tracker id{'s' if stray != 1 else ''} not among the runners")
        )
    field, active = facts.get("field_size"), facts.get("active_runners")
    if field is not None and active is not None and field != active:
        failed.append(("field_size", f"field size {field} but {active} runners not scratched"))
    negative = facts.get("negative_increments") or 0
    if negative:
        failed.append(("negative_increments", f"{negative} negative increment{'s' if negative != 1 else ''}"))
    delay = facts.get("delay_s")
    if delay is not None and float(delay) > STALE_AFTER_S:
        failed.append(("stale", f"generated {float(delay):.0f} s before it was received"))
    return {"score": max(0, 100 - sum(PENALTIES[k] for k, _ in failed)), "reasons": [r for _, r in failed]}
