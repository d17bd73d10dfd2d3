"""A simulated racing day processed live, then every race reprocessed from
staging: identical derived tables. A corrupted poll between two good ones
is quarantined without holding anything up, and the sweep repairs it.

"Live" is tabsim.replay: the database's schedule says what is due, the
simulator answers and the fetcher's database layer delivers each answer as
it comes, as a fetcher process does, with the clock jumping from one due
poll to the next instead of waiting for it. (Live fetcher processes over
HTTP are held to the same checksums in tests/test_fault_matrix.py.)"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

from harness import CHECKSUMS, checksums, empty_database, ingest_meeting, replay, reprocess_every_race
from tabsim.clock import SimClock, real_database_clock
from tabsim.payloads import event_json
from tabsim.replay import replay as tabsim_replay
from tabsim.server import Simulator


def test_live_day_equals_its_replay(quiet_db, database_url):
    # The first 21 minutes of a day: races open, close, result and go final.
    replay(database_url, 0.35, seed=7, form_size=3)
    db = quiet_db
    live = checksums(db)
    assert live["money_flow_history"][1] > 1000 and live["odds_history"][1] > 1000
    assert (
        db.execute("SELECT count(*) FROM raceday.race_results WHERE result_status = 'final'").fetchone()[0]
        > 0
    )
    assert (
        db.execute("SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL").fetchone()[
            0
        ]
        == 0
    )

    replayed, stored = reprocess_every_race(db)
    assert replayed == stored
    assert checksums(db) == live


def event(sim, race_id: str, at: float) -> dict:
    return json.loads(
        event_json(
            sim.day,
            sim.day.races[race_id],
            at,
            {"with_money_tracker": "true", "with_tote_trends_data": "true"},
        )
    )


def test_corrupted_poll_is_quarantined_then_swept(clean_db, tabsim_factory):
    sim = tabsim_factory(form_size=2)
    db = clean_db
    day = sim.day
    race, other = [r.race_id for r in day.meetings[0].races[2:4]]
    start = day.races[race].start
    ingest_meeting(db, day, day.meetings[0], start - 3600)

    def ingest(race_id: str, doc: dict) -> int:
        # Received when generated, as a replay receives it (generated_time is bounded by the receipt).
        return db.execute(
            "SELECT raceday.ingest_event(%s, %s, %s::timestamptz)",
            (race_id, json.dumps(doc), doc["header"]["generated_time"]),
        ).fetchone()[0]

    good1 = event(sim, race, start - 600)
    bad = event(sim, race, start - 300)
    good2 = event(sim, race, start - 120)
    bad["data"]["money_tracker"]["entrants"][0]["hold_percentage"] = "a lot"
    ids = [
        ingest(race, good1),
        ingest(race, bad),
        ingest(race, good2),
        ingest(other, event(sim, other, start - 300)),
    ]
    errors = dict(
        db.execute("SELECT id, transform_error FROM staging.raw_responses WHERE id = ANY(%s)", (ids,))
    )
    assert errors[ids[1]] is not None and errors[ids[1]].startswith("22P02")
    assert errors[ids[0]] is None and errors[ids[2]] is None and errors[ids[3]] is None
    flow = dict(db.execute("SELECT staging_id, count(*) FROM raceday.money_flow_history GROUP BY 1"))
    assert ids[1] not in flow and flow[ids[0]] > 0 and flow[ids[2]] > 0 and flow[ids[3]] > 0

    # Still broken: the sweep (forced, as after a fix) tries it and leaves it quarantined.
    assert db.execute("SELECT raceday.sweep(force => true)").fetchone()[0] == 0
    # Repaired (as after a fix): the sweep rebuilds the race in order, and
    # the result equals a clean replay of all three polls.
    db.execute(
        "UPDATE staging.raw_responses "
        "SET body = jsonb_set(body::jsonb, '{data,money_tracker,entrants,0,hold_percentage}', '3')::text "
        "WHERE id = %s",
        (ids[1],),
    )
    assert db.execute("SELECT raceday.sweep(force => true)").fetchone()[0] == 1
    assert (
        db.execute("SELECT transform_error FROM staging.raw_responses WHERE id = %s", (ids[1],)).fetchone()[0]
        is None
    )
    swept = checksums(db)
    db.execute("SELECT raceday.reprocess(%s)", (race,))
    assert checksums(db) == swept
    assert (
        dict(db.execute("SELECT staging_id, count(*) FROM raceday.money_flow_history GROUP BY 1"))[ids[1]] > 0
    )


# What a replayed day is, whichever order its polls' ingests committed in:
# staging ids are left out (polls of one instant ingest side by side).
SAME_DAY = {
    "polls": """SELECT md5(string_agg(format('%s|%s|%s|%s|%s', kind, target, received_at, content_hash,
        transform_error), ',' ORDER BY kind, target, received_at)), count(*) FROM staging.raw_responses""",
    "money_flow_history": """SELECT md5(string_agg((to_jsonb(h) - 'id' - 'staging_id' - 'created_at')::text, ','
        ORDER BY race_id, entrant_id, event_timestamp)), count(*) FROM raceday.money_flow_history h""",
    "odds_history": """SELECT md5(string_agg((to_jsonb(h) - 'id' - 'staging_id' - 'created_at')::text, ','
        ORDER BY entrant_id, odds_type, event_timestamp)), count(*) FROM raceday.odds_history h""",
    "race_alerts": """SELECT md5(string_agg((to_jsonb(a) - 'id' - 'staging_id' - 'created_at')::text, ','
        ORDER BY race_id, entrant_id, time_interval, kind)), count(*) FROM raceday.race_alerts a""",
    "entrants": CHECKSUMS["entrants"],
    "races": CHECKSUMS["races"],
    "targets": """SELECT md5(string_agg(format('%s|%s|%s|%s', target, next_poll_at, last_polled_at, polls), ','
        ORDER BY target)), count(*) FROM raceday.poll_targets""",
}


def test_polls_of_several_instants_in_flight_make_the_same_day(quiet_db, database_url):
    # The bench's real path keeps the fetcher's ten polls in flight across
    # instants (overlap), each ingest on its own instant's clock: the same
    # polls at the same instants, the same rows, the same schedule after.
    db = quiet_db
    start = time.time() - 6 * 3600
    days = []
    for overlap in (False, True):
        empty_database(db)
        sim = Simulator(7, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, form_size=2)
        stats = asyncio.run(
            tabsim_replay(
                database_url,
                database_url.replace("postgres@", "raceday_fetcher@"),
                sim,
                start,
                start + 15 * 60,
                connections=2,
                overlap=overlap,
            )
        )
        days.append((stats, {name: db.execute(sql).fetchone() for name, sql in SAME_DAY.items()}))
        real_database_clock(db)
    (stats, one_at_a_time), (overlapping_stats, overlapping) = days
    assert (
        stats.polls > 300
        and one_at_a_time["money_flow_history"][1] > 0
        and one_at_a_time["race_alerts"][1] > 0
    )
    # Polls of different instants were in flight together.
    assert overlapping_stats.most_in_flight > 5
    assert overlapping_stats.polls == stats.polls
    assert overlapping == one_at_a_time
