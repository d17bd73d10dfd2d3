"""The sweep rebuilds a race once per run, however many of its polls were
quarantined: every rebuild retries all of them, and each holds the race's
row lock that its live polls wait for (the fault matrix found a sweep
rebuilding one race some twenty times in one transaction)."""

from __future__ import annotations

import json

from tabsim.payloads import meeting_json
from test_replay import event


def test_sweep_rebuilds_a_race_once_for_all_its_quarantined_polls(clean_db, tabsim_factory):
    sim = tabsim_factory(form_size=2)
    db = clean_db
    day = sim.day
    race = day.meetings[0].races[2].race_id
    start = day.races[race].start
    db.execute("SELECT raceday.ingest_meetings(%s, now(), %s)", (json.dumps({
        "header": {"generated_time": "2026-07-16T20:00:00Z"}, "params": {"limit": 100},
        "data": {"meetings": [meeting_json(day.meetings[0], day, start - 3600)]}}),
        json.dumps({"target": f"meetings:{day.meetings[0].date}:0"})))
    ids = []
    for n, at in enumerate((start - 900, start - 600, start - 300, start - 120)):
        doc = event(sim, race, at)
        if n in (1, 2):
            doc["data"]["money_tracker"]["entrants"][0]["hold_percentage"] = "a lot"
        ids.append(db.execute("SELECT raceday.ingest_event(%s, %s, now())", (race, json.dumps(doc))).fetchone()[0])
    quarantined = db.execute("SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
                             ).fetchone()[0]
    assert quarantined == 2

    # Repaired, as after a fix; every rebuild renumbers the race's money-flow
    # rows, so the identity counts how many rebuilds the sweep made.
    db.execute("UPDATE staging.raw_responses SET body = jsonb_set(body, '{data,money_tracker,entrants,0,hold_percentage}', "
               "'3') WHERE id = ANY(%s)", (ids[1:3],))
    sequence = "pg_get_serial_sequence('raceday.money_flow_history', 'id')"
    before = db.execute(f"SELECT coalesce(last_value, 0) FROM pg_sequences "
                        f"WHERE format('%I.%I', schemaname, sequencename) = {sequence}").fetchone()[0]
    assert db.execute("SELECT raceday.sweep()").fetchone()[0] == 2
    after = db.execute(f"SELECT last_value FROM pg_sequences "
                       f"WHERE format('%I.%I', schemaname, sequencename) = {sequence}").fetchone()[0]
    rows = db.execute("SELECT count(*) FROM raceday.money_flow_history WHERE race_id = %s", (race,)).fetchone()[0]
    assert rows > 0
    assert after - before == rows, f"the sweep rebuilt the race {(after - before) / rows:g} times"
