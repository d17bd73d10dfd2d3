"""End to end: the simulator's insider plunge, polled as the database
schedules it, raises a plunge alert for the right runner on the poll where
its money surges, and no plunge alert for any other runner or race polled
meanwhile.

The day is replayed (tabsim.replay): the database's schedule says when each
race is due, the simulator answers for that instant, and the fetcher's own
database layer delivers the answer, so every poll lands exactly when a
fetcher keeping up would make it, whatever the machine's load. (Live, a
fetcher starved of CPU for a few seconds once missed the surge's first
minute at 40x: the test measured the machine, not the rule.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tabsim.clock import SimClock
from tabsim.replay import replay
from tabsim.server import Simulator


def test_insider_plunge_is_flagged_as_it_happens(clean_db, database_url):
    start = datetime.now(UTC).timestamp()
    sim = Simulator(11, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, form_size=3)
    race = sim.day.races[sim.day.plunge_race]
    plunger = race.runners[race.plunge].entrant_id
    # From 25 minutes before the plunge race to 5 minutes after its start:
    # its last hour's buckets, and every race of the day around it.
    asyncio.run(
        replay(
            database_url,
            database_url.replace("postgres@", "raceday_fetcher@"),
            sim,
            race.start - 25 * 60,
            race.start + 5 * 60,
        )
    )
    db = clean_db

    plunges = db.execute("""SELECT race_id::text, entrant_id::text, time_interval, staging_id FROM raceday.race_alerts
                            WHERE kind = 'plunge' ORDER BY observed_at""").fetchall()
    assert plunges, "no plunge alert"
    assert {(r, e) for r, e, _, _ in plunges} == {(race.race_id, plunger)}, (
        "a plunge alert for another runner or race"
    )

    # The surge begins two minutes before the start and the race is polled
    # every 15 s then, as TAB refreshes its data: "as it happens" is measured
    # in the race's own time, the alert comes from a poll taken in the first
    # minute of the surge, while a bettor can still act on it.
    surge_at = datetime.fromtimestamp(race.start - 120, UTC)
    alert_poll = db.execute(
        "SELECT generated_at FROM staging.raw_responses WHERE id = %s", (plunges[0][3],)
    ).fetchone()[0]
    assert surge_at <= alert_poll <= surge_at + timedelta(seconds=60), (
        f"alert from a poll at {alert_poll}; the race's polls around the surge:\n"
        + polls_around(db, race, plunger)
    )
    # Before the surge the plunger's money was ordinary: no alert from a poll
    # taken before it began.
    assert (
        db.execute(
            """SELECT count(*) FROM raceday.race_alerts a JOIN staging.raw_responses s ON s.id = a.staging_id
                         WHERE a.kind = 'plunge' AND s.generated_at < %s""",
            (surge_at,),
        ).fetchone()[0]
        == 0
    )

    # Money and odds alerts are raised for many runners, as the client's rule does.
    assert (
        db.execute("SELECT count(DISTINCT race_id) FROM raceday.race_alerts WHERE kind = 'money'").fetchone()[
            0
        ]
        > 1
    )


def polls_around(db, race, plunger: str) -> str:
    """The race's polls of its last three minutes, for a failure message:
    seconds before the start, bucket, the plunger's hold and odds, and the
    alerts each poll raised for it (the first poll to raise an alert keeps
    it). A gap says the schedule left one out; surge polls that raised
    nothing before the alert say the rule did not see the surge."""
    start = datetime.fromtimestamp(race.start, UTC)
    rows = db.execute(
        """
        SELECT round(extract(epoch FROM %s - s.generated_at))::int, h.time_interval, h.hold_percentage,
               h.fixed_win_odds, (SELECT string_agg(a.kind, ',' ORDER BY a.kind) FROM raceday.race_alerts a
                                  WHERE a.staging_id = s.id AND a.entrant_id = %s)
        FROM staging.raw_responses s
        LEFT JOIN raceday.money_flow_history h ON h.staging_id = s.id AND h.entrant_id = %s
        WHERE s.target = %s AND s.generated_at BETWEEN %s AND %s
        ORDER BY s.generated_at""",
        (start, plunger, plunger, race.race_id, start - timedelta(minutes=3), start),
    ).fetchall()
    return "\n".join(
        f"  {before:>4} s before, bucket {bucket}, hold {hold}, odds {odds}, alerts {alerts or '-'}"
        for before, bucket, hold, odds, alerts in rows
    )
