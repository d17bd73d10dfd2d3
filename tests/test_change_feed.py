"""The change feed as a listener sees it: one notification per poll, sent
when the ingest commits and never before; nothing for a repeat, a
quarantined poll or a rolled-back transaction; ids of the day feed in
commit order even when two ingests race. (What each change holds is tested
in tests/pgtap/test_change_feed.sql and test_api_feed.sql.)"""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest

from harness import ingest_meeting
from tabsim.model import RacingDay
from tabsim.payloads import event_json

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true", "with_will_pays": "true"}


@pytest.fixture
def day(clean_db):
    d = RacingDay(seed=5, start=time.time() - 1800, form_size=3)
    ingest_meeting(clean_db, d, d.meetings[0], time.time())
    return d


@pytest.fixture
def listener(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("LISTEN raceday_changes")
        yield conn


def drain(conn: psycopg.Connection, timeout: float = 0.5) -> list[dict]:
    """The notifications that have arrived, waiting at most `timeout` for the first."""
    return [json.loads(n.payload) for n in conn.notifies(timeout=timeout)]


def ingest(conn: psycopg.Connection, day, race, t: float) -> None:
    conn.execute(
        "SELECT raceday.ingest_event(%s, %s, to_timestamp(%s), '{}')",
        (race.race_id, event_json(day, race, t, QUERY), t),
    )


def test_one_notification_per_poll_at_commit(database_url, day, listener, clean_db):
    drain(listener)  # the meetings list's
    race = day.meetings[0].races[1]
    with psycopg.connect(database_url) as writer:  # a transaction of its own
        ingest(writer, day, race, race.start - 1500)
        assert drain(listener, 0.3) == [], "announced before the commit"
        writer.commit()
    (note,) = drain(listener)
    row = clean_db.execute(
        "SELECT id, race_id::text, kinds FROM raceday.change_feed ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (note["id"], note["race_id"], note["kinds"]) == row
    assert {"runners", "pools", "money_flow", "odds"} <= set(note["kinds"])

    # The same poll again, and a poll the transform must quarantine.
    ingest(clean_db, day, race, race.start - 1500)
    bad = json.loads(event_json(day, race, race.start - 1400, QUERY))
    bad["data"]["runners"][0]["runner_number"] = "x"
    clean_db.execute(
        "SELECT raceday.ingest_event(%s, %s, to_timestamp(%s), '{}')",
        (race.race_id, json.dumps(bad), race.start - 1400),
    )
    assert (
        clean_db.execute(
            "SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL"
        ).fetchone()[0]
        == 1
    )
    # A new poll that is rolled back.
    with psycopg.connect(database_url) as writer:
        ingest(writer, day, race, race.start - 1200)
        writer.rollback()
    assert drain(listener, 0.5) == [], "a repeat, a quarantined or a rolled-back poll was announced"

    ingest(clean_db, day, race, race.start - 1200)
    assert [n["race_id"] for n in drain(listener)] == [race.race_id]


def test_meetings_list_is_one_notification(day, listener, clean_db):
    drain(listener)
    ingest_meeting(clean_db, day, day.meetings[1], time.time())
    (note,) = drain(listener)
    assert note["race_id"] is None and note["day"] is True and note["kinds"] == ["race_added"]
    assert note["races"] == len(day.meetings[1].races)
    assert note["id"] == clean_db.execute("SELECT max(id) FROM raceday.change_feed").fetchone()[0]


def test_day_feed_ids_follow_commit_order(database_url, day, clean_db):
    """Two ingests whose changes belong to the day feed: the one that takes
    its id first cannot commit after the other, so a client that resumes
    after the later id has seen both."""
    first, second = day.meetings[0].races[2], day.meetings[0].races[3]
    with psycopg.connect(database_url) as a, psycopg.connect(database_url) as b:
        ingest(a, day, first, first.start - 1500)  # a race's first poll: a day change; not committed
        done = threading.Event()

        def other() -> None:
            ingest(b, day, second, second.start - 1500)
            done.set()

        worker = threading.Thread(target=other)
        worker.start()
        assert not done.wait(1.0), "the second day change did not wait for the first to commit"
        a.commit()
        assert done.wait(10)
        worker.join()
        b.commit()
    ids = dict(
        clean_db.execute("""SELECT race_id::text, id FROM raceday.change_feed
                                   WHERE staging_id IS NOT NULL""").fetchall()
    )
    assert ids[first.race_id] < ids[second.race_id]
