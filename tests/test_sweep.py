"""The sweep retries quarantined event polls by reprocessing their race,
once per race and run, however many of the race's polls are pending: a
race with many quarantined polls once cost the square of their number
while the sweep held the race's lock, and the fetcher's ingest waited
(the fault matrix found a sweep rebuilding one race some twenty times in
one transaction)."""

from __future__ import annotations

import json

from conftest import empty_database
from tabsim.payloads import event_json, meeting_json

POLLS, BROKEN = 12, 6


def test_sweep_reprocesses_each_race_once(clean_db, tabsim_factory):
    db = clean_db
    sim = tabsim_factory(form_size=2)
    day = sim.day
    meeting = day.meetings[0]
    race = meeting.races[0]
    db.execute("SELECT cron.alter_job(jobid, active := false) FROM cron.job WHERE jobname = 'raceday-sweep'")
    try:
        db.execute("SELECT raceday.ingest_meetings(%s, now(), %s)", (json.dumps({
            "header": {"generated_time": "2026-07-16T20:00:00Z"}, "params": {"limit": 100},
            "data": {"meetings": [meeting_json(meeting, day, race.start - 3600)]}}),
            json.dumps({"target": f"meetings:{meeting.date}:0"})))
        for i in range(POLLS):
            doc = json.loads(event_json(day, race, race.start - 900 + 60 * i, {"with_money_tracker": "true"}))
            if i % 2:                                # every other poll cannot be transformed
                doc["data"]["money_tracker"]["entrants"][0]["hold_percentage"] = "a lot"
            db.execute("SELECT raceday.ingest_event(%s, %s, now())", (race.race_id, json.dumps(doc)))
        assert db.execute("SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
                          ).fetchone()[0] == BROKEN

        with db.transaction():
            db.execute("SET LOCAL track_functions = 'pl'")
            assert db.execute("SELECT raceday.sweep()").fetchone()[0] == 0      # still broken: none fixed
            (transforms,) = db.execute("""SELECT calls FROM pg_stat_xact_user_functions
                                          WHERE schemaname = 'raceday' AND funcname = 'run_transform'""").fetchone()
        # One reprocess of the race: each of its polls once, not once per pending poll.
        assert transforms == POLLS, f"{transforms} transforms for {POLLS} polls"
        assert db.execute("SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
                          ).fetchone()[0] == BROKEN
    finally:
        db.execute("SELECT cron.alter_job(jobid, active := true) FROM cron.job WHERE jobname = 'raceday-sweep'")
        empty_database(db)              # pgTAP files that may run later expect empty tables
