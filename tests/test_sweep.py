"""The sweep retries what the transform has not done: polls stored but
never transformed, and polls it quarantined.

- Each race is reprocessed once per run, however many of its polls are
  pending: a race with many quarantined polls once cost the square of their
  number while the sweep held the race's lock, and the fetcher's ingest
  waited (the fault matrix found a sweep rebuilding one race some twenty
  times in one transaction).
- A quarantined poll is retried once it has waited as long as it had been
  failing when last tried, between a minute and an hour: retried every
  minute, a poll that can never be transformed cost its race's whole
  reprocess each minute for as long as staging kept it.
- Unprocessed polls go first, so polls that keep failing cannot fill every
  batch and hold them back.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from harness import ingest_meeting
from tabsim.payloads import event_json

POLLS, BROKEN = 12, 6


@pytest.fixture
def sweep_db(quiet_db):
    """The test database with pg_cron's sweep paused, so only the test sweeps.
    Polls are made for their race's times but received now (the sweep's
    back-off counts from received_at): generated_time is not bounded here
    (tests/pgtap/test_observation_time.sql tests the bound)."""
    quiet_db.execute("UPDATE raceday.settings SET generated_time_tolerance = '1 day'")
    return quiet_db


def ingest_event(db, day, race, at: float, broken: bool) -> int:
    doc = json.loads(event_json(day, race, at, {"with_money_tracker": "true"}))
    if broken:  # a value the transform cannot take
        doc["data"]["money_tracker"]["entrants"][0]["hold_percentage"] = "a lot"
    return db.execute(
        "SELECT raceday.ingest_event(%s, %s, now())", (race.race_id, json.dumps(doc))
    ).fetchone()[0]


def tried_by(db, sweep: str, ids: list[int]) -> set[int]:
    """Which of ids the sweep tried (their processed_at moved into its transaction)."""
    with db.transaction():
        db.execute(f"SELECT {sweep}")
        return {
            i
            for (i,) in db.execute(
                "SELECT id FROM staging.raw_responses WHERE id = ANY(%s) AND processed_at >= now()", (ids,)
            )
        }


def test_sweep_reprocesses_each_race_once(sweep_db, tabsim_factory):
    day = tabsim_factory(form_size=2).day
    meeting = day.meetings[0]
    race = meeting.races[0]
    ingest_meeting(sweep_db, day, meeting, meeting.races[0].start - 3600)
    for i in range(POLLS):
        ingest_event(sweep_db, day, race, race.start - 900 + 60 * i, broken=bool(i % 2))
    assert (
        sweep_db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
        ).fetchone()[0]
        == BROKEN
    )

    with sweep_db.transaction():
        sweep_db.execute("SET LOCAL track_functions = 'pl'")
        assert (
            sweep_db.execute("SELECT raceday.sweep(force => true)").fetchone()[0] == 0
        )  # still broken: none fixed
        (transforms,) = sweep_db.execute("""SELECT calls FROM pg_stat_xact_user_functions
                                      WHERE schemaname = 'raceday' AND funcname = 'run_transform'""").fetchone()
    # One reprocess of the race: each of its polls once, not once per pending poll.
    assert transforms == POLLS, f"{transforms} transforms for {POLLS} polls"
    assert (
        sweep_db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
        ).fetchone()[0]
        == BROKEN
    )


# (first received, last tried) minutes ago, and whether the wait is over:
# it is as long as the poll had been failing when last tried, 1 to 60 minutes.
WAITS = [
    ((0, 0), False),  # just quarantined: waits a minute
    ((2, 0.5), False),  # failing 1.5 min when tried, tried 0.5 min ago
    ((10, 6), True),  # failing 4 min when tried, tried 6 min ago
    ((10, 3), False),  # failing 7 min when tried, tried 3 min ago
    ((4320, 61), True),  # failing three days: an hour at most
    ((4320, 50), False),
]


def test_sweep_waits_longer_each_time_a_poll_fails(sweep_db, tabsim_factory):
    day = tabsim_factory(form_size=2).day
    meeting = day.meetings[0]
    assert len(meeting.races) >= len(WAITS)
    ingest_meeting(sweep_db, day, meeting, meeting.races[0].start - 3600)
    # One race per case: the sweep retries an event poll by reprocessing its race.
    ids = [
        ingest_event(sweep_db, day, race, race.start - 600, broken=True)
        for race in meeting.races[: len(WAITS)]
    ]
    for i, ((received, tried), _) in zip(ids, WAITS, strict=True):
        sweep_db.execute(
            "UPDATE staging.raw_responses SET received_at = now() - make_interval(mins => %s), "
            "processed_at = now() - make_interval(secs => %s * 60) WHERE id = %s",
            (received, tried, i),
        )

    due = {i for i, (_, over) in zip(ids, WAITS, strict=True) if over}
    assert tried_by(sweep_db, "raceday.sweep()", ids) == due
    # After a fix is deployed: force retries every quarantined poll now.
    assert tried_by(sweep_db, "raceday.sweep(force => true)", ids) == set(ids)
    # Tried just now, none is due again.
    assert tried_by(sweep_db, "raceday.sweep()", ids) == set()


def test_sweep_takes_unprocessed_polls_before_quarantined_ones(sweep_db, tabsim_factory):
    day = tabsim_factory(form_size=2).day
    meeting = day.meetings[0]
    ingest_meeting(sweep_db, day, meeting, meeting.races[0].start - 3600)
    first, second = meeting.races[:2]
    broken = [ingest_event(sweep_db, day, first, first.start - 600 + 60 * k, broken=True) for k in range(3)]
    sweep_db.execute(
        "UPDATE staging.raw_responses SET received_at = now() - interval '3 days', "
        "processed_at = now() - interval '2 hours' WHERE id = ANY(%s)",
        (broken,),
    )
    # A poll stored but never transformed (its transaction's transform undone
    # by hand here), with a higher id than all the quarantined ones.
    unprocessed = ingest_event(sweep_db, day, second, second.start - 600, broken=False)
    sweep_db.execute("DELETE FROM raceday.money_flow_history WHERE staging_id = %s", (unprocessed,))
    sweep_db.execute("UPDATE staging.raw_responses SET processed_at = NULL WHERE id = %s", (unprocessed,))

    assert tried_by(sweep_db, "raceday.sweep(max_rows => 1)", broken + [unprocessed]) == {unprocessed}
    assert (
        sweep_db.execute(
            "SELECT count(*) FROM raceday.money_flow_history WHERE staging_id = %s", (unprocessed,)
        ).fetchone()[0]
        > 0
    )


@pytest.mark.parametrize("args", ["max_rows => 0", "max_rows => NULL", "force => NULL"])
def test_sweep_refuses_bad_arguments(sweep_db, args):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="sweep: max_rows must be at least 1"):
        sweep_db.execute(f"SELECT raceday.sweep({args})")
