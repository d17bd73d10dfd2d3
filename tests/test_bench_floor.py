"""make bench's floor stores a poll as the ingest's own store does (the same
row of staging, less the transform), so that its rate bounds the ingest's:
if the store changed and the floor did not, the bound would mean nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from psycopg.types.json import Jsonb

from bench import instructions
from bench.day import FLOOR_SETUP

# What both stores decide for a poll; id and the transform's columns aside.
COLUMNS = "kind, target, url, http_status, attempt, worker, generated_at, body, body_bytes, content_hash"


def test_the_floor_stores_a_poll_as_the_ingest_does_and_counts_a_repeat(rolled_back):
    db = rolled_back
    race_id, [(t, body)] = instructions.race_polls(1)
    received = datetime.fromtimestamp(t, UTC)
    meta = {"url": "http://tab.test/racing/events/x", "http_status": 200, "attempt": 1, "worker": "w",
            "bytes": len(body.encode()), "target": race_id}  # fmt: skip
    db.execute(FLOOR_SETUP)
    (real_id,) = db.execute(
        "SELECT raceday.ingest_event(%s, %s::text, %s, %s)", (race_id, body, received, Jsonb(meta))
    ).fetchone()
    call = "SELECT public.bench_floor_store('event', %s, %s::text, %s, %s)"
    (floor_id,) = db.execute(call, (race_id, body, received, Jsonb(meta))).fetchone()
    real = db.execute(f"SELECT {COLUMNS} FROM staging.raw_responses WHERE id = %s", (real_id,)).fetchone()
    floor = db.execute(f"SELECT {COLUMNS} FROM public.bench_floor WHERE id = %s", (floor_id,)).fetchone()
    assert floor == real
    assert real[-1] is not None and real[6] is not None, "a repeat key and an observation time"
    # The same data again: a repeat, counted on the row it repeats.
    (again,) = db.execute(call, (race_id, body, received, Jsonb(meta))).fetchone()
    assert again == floor_id
    assert db.execute("SELECT count(*), sum(seen_count) FROM public.bench_floor").fetchone() == (1, 2)
