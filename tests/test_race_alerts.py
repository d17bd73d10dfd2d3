"""End to end: the simulator's insider plunge, polled live by a fetcher,
raises a plunge alert for the right runner on the poll where its money
surges, and no plunge alert for any other runner or race polled meanwhile."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from conftest import share_clock

SPEED = 40


def test_insider_plunge_is_flagged_as_it_happens(clean_db, tabsim_factory, fetchers):
    sim = tabsim_factory(seed=11, speed=SPEED, form_size=3)
    race = sim.day.races[sim.day.plunge_race]
    plunger = race.runners[race.plunge].entrant_id
    # From 25 minutes before the plunge race to 5 minutes after its start:
    # its last hour's buckets, and every race of the day around it.
    sim.clock.set(datetime.fromtimestamp(race.start - 25 * 60, UTC))
    share_clock(clean_db, sim)
    fp = fetchers(sim.base_url, FETCHER_IDLE_S="0.02")
    time.sleep(30 * 60 / SPEED)
    assert fp.stop() == 0
    db = clean_db

    plunges = db.execute("""SELECT race_id::text, entrant_id::text, time_interval, staging_id FROM raceday.race_alerts
                            WHERE kind = 'plunge' ORDER BY observed_at""").fetchall()
    assert plunges, "no plunge alert"
    assert {(r, e) for r, e, _, _ in plunges} == {(race.race_id, plunger)}, "a plunge alert for another runner or race"

    # The poll where the plunger's money surged: the first after the surge
    # began (two minutes before the start) with its hold above where it was.
    surge_at = datetime.fromtimestamp(race.start - 120, UTC)
    polls = db.execute("""
        SELECT s.id, s.generated_at >= %s, h.hold_percentage FROM staging.raw_responses s
        JOIN raceday.money_flow_history h ON h.staging_id = s.id AND h.entrant_id = %s
        WHERE s.target = %s ORDER BY s.generated_at""", (surge_at, plunger, race.race_id)).fetchall()
    hold_before = [hold for _, after, hold in polls if not after][-1]
    surge = next(i for i, (_, after, hold) in enumerate(polls) if after and hold > hold_before)
    first_alert = plunges[0][3]
    assert first_alert in [sid for sid, _, _ in polls[surge:surge + 2]], "not within one poll of the surge"

    # Money and odds alerts are raised for many runners, as the client's rule does.
    assert db.execute("SELECT count(DISTINCT race_id) FROM raceday.race_alerts WHERE kind = 'money'").fetchone()[0] > 1
