"""Two fetchers share one database for twenty simulated minutes of the
busiest stretch of a racing day (the simulator and the database run one
clock 20 times faster than real time): no target is polled twice within its
interval, and every due race is polled.

The clock starts 50 minutes into the day's card, where most meetings are
under way: the window holds as many races going off as the card's first
hour does, so it proves the same in half the time. The races before
it are already run when the fetchers start: each must still get its
baseline poll, and stop once final. The window opens once the fetchers
have made those (a burst of every race's first poll at once)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from harness import share_clock, wait_for
from tabsim.model import NZ

SPEED = 20
INTO_CARD = timedelta(minutes=50)
WINDOW_S = 20 * 60 / SPEED


def card_start() -> float:
    """Noon, NZ time, of today's NZ racing day: the card and the window
    stay inside one NZ day (its meetings list) whenever the test runs."""
    today = datetime.now(NZ).date()
    return datetime.combine(today, clock_time(12), NZ).timestamp()


def test_two_fetchers_share_the_busiest_stretch_of_a_day(clean_db, tabsim_factory, fetchers):
    layout = card_start()
    sim = tabsim_factory(speed=SPEED, form_size=2, layout_start=layout)
    sim.clock.set(datetime.fromtimestamp(layout, UTC) + INTO_CARD)
    share_clock(clean_db, sim)
    a = fetchers(sim.base_url, "fetcher-a", FETCHER_IDLE_S="0.02")
    b = fetchers(sim.base_url, "fetcher-b", FETCHER_IDLE_S="0.02")
    caught_up = """SELECT count(*) > 10 AND count(*) FILTER (WHERE NOT EXISTS (
                       SELECT FROM staging.raw_responses s WHERE s.target = r.race_id::text)) = 0
                   FROM raceday.races r"""
    assert wait_for(lambda: clean_db.execute(caught_up).fetchone()[0], 60), "the first polls never caught up"
    t0 = sim.clock.now()
    time.sleep(WINDOW_S)
    t1 = sim.clock.now()
    assert a.stop() == 0 and b.stop() == 0
    db = clean_db

    workers = dict(
        db.execute("SELECT worker, count(*) FROM staging.raw_responses WHERE kind = 'event' GROUP BY 1")
    )
    assert set(workers) == {"fetcher-a", "fetcher-b"}, workers
    assert (
        db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE fetch_error IS NOT NULL "
            "OR transform_error IS NOT NULL"
        ).fetchone()[0]
        == 0
    )

    # No poll came sooner than the schedule allowed after the previous one
    # (1 s of virtual slack: 50 ms of real time).
    early = db.execute("""
        WITH polls AS (
            SELECT s.target, s.generated_at AS at, r.start_time,
                   lower(s.body::jsonb #>> '{data,race,status}') AS status,
                   lag(s.generated_at) OVER w AS prev_at,
                   lag(lower(s.body::jsonb #>> '{data,race,status}')) OVER w AS prev_status
            FROM staging.raw_responses s JOIN raceday.races r ON r.race_id::text = s.target
            WHERE s.kind = 'event'
            WINDOW w AS (PARTITION BY s.target ORDER BY s.generated_at))
        SELECT target, prev_at, at, raceday.next_poll_time(prev_status, start_time, prev_at) AS due
        FROM polls
        WHERE prev_at IS NOT NULL
          AND at < raceday.next_poll_time(prev_status, start_time, prev_at) - interval '1 second'
    """).fetchall()
    assert early == [], f"polled before due: {early[:5]}"
    # A repeat of identical data is counted on one row; its receipts must
    # be as far apart as the schedule allows too (at a tier boundary a poll
    # may legitimately come a few seconds after the previous one).
    repeats = db.execute(
        """SELECT target, seen_count, (last_received_at - received_at) * %s AS apart
                              FROM staging.raw_responses
                              WHERE kind = 'event' AND seen_count > 1
                                AND (last_received_at - received_at) * %s < interval '1 second'""",
        (SPEED, SPEED),
    ).fetchall()
    context = [
        db.execute(
            """SELECT s.id, s.worker, s.generated_at, s.received_at, s.last_received_at, s.seen_count,
                                    s.body::jsonb #>> '{data,race,status}', t.next_poll_at, r.start_time
                             FROM staging.raw_responses s JOIN raceday.poll_targets t ON t.target = s.target
                             JOIN raceday.races r ON r.race_id::text = s.target
                             WHERE s.target = %s ORDER BY s.generated_at DESC LIMIT 4""",
            (target,),
        ).fetchall()
        for target, _, _ in repeats
    ]
    assert repeats == [], f"the same poll twice: {repeats} {context}"

    # Every race that went through its last five minutes in the window was
    # polled on the 15-second tier there (20 polls at most; allow for load).
    thin = db.execute(
        """
        SELECT r.race_id, count(s.id) AS polls
        FROM raceday.races r
        LEFT JOIN staging.raw_responses s ON s.target = r.race_id::text
             AND s.generated_at BETWEEN r.start_time - interval '5 minutes' AND r.start_time
        WHERE r.start_time BETWEEN to_timestamp(%s) + interval '6 minutes' AND to_timestamp(%s)
          AND r.status <> 'abandoned'
        GROUP BY r.race_id
        HAVING count(s.id) < 14
    """,
        (t0, t1),
    ).fetchall()
    assert thin == [], f"races polled too little before their start: {thin}"
    races_in_window = db.execute(
        "SELECT count(*) FROM raceday.races WHERE start_time BETWEEN to_timestamp(%s) "
        "+ interval '6 minutes' AND to_timestamp(%s)",
        (t0, t1),
    ).fetchone()[0]
    assert races_in_window >= 5
    # The races run before the window are there too (each polled, below).
    assert (
        db.execute(
            "SELECT count(*) FROM raceday.races WHERE start_time < to_timestamp(%s)", (t0,)
        ).fetchone()[0]
        >= 10
    )

    # Every in-scope race got at least its baseline poll; finals stop.
    unpolled = db.execute("""SELECT count(*) FROM raceday.races r WHERE NOT EXISTS (
                                 SELECT FROM staging.raw_responses s WHERE s.target = r.race_id::text)""").fetchone()[
        0
    ]
    assert unpolled == 0
    assert (
        db.execute("""SELECT count(*) FROM raceday.poll_targets t JOIN raceday.races r USING (race_id)
                         WHERE r.status IN ('final', 'abandoned') AND t.next_poll_at IS NOT NULL""").fetchone()[
            0
        ]
        == 0
    )
