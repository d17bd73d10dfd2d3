"""The simulator's event bodies are shaped as TAB sends them, so that what a
poll costs the database is what a real one costs: about 400 KB for 14
runners, indented by four spaces, each runner's last starts objects whose
values are all strings (docs/bench.md). The database parses them, and its
transform reads from them what it reads from a real event."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tabsim.clock import SimClock
from tabsim.model import REAL_FORM_SIZE
from tabsim.payloads import event_json
from tabsim.server import Simulator

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true"}


def real_size_race(sim: Simulator):
    """A race of 14 runners, none scratched at its layout."""
    return next(r for r in sim.day.races.values() if len(r.runners) == 14)


def test_a_real_size_event_is_indented_with_string_valued_last_starts():
    start = 1_784_000_000
    sim = Simulator(3, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start)
    race = real_size_race(sim)
    body = event_json(sim.day, race, race.start - 50 * 60, QUERY)
    doc = json.loads(body)
    assert 350_000 < len(body.encode()) < 450_000, len(body)
    lines = body.splitlines()
    assert lines[1].startswith('    "header": {') and len(lines) > 5_000
    assert all((len(line) - len(line.lstrip(" "))) % 4 == 0 for line in lines)
    runners = doc["data"]["runners"]
    assert len(runners) == 14
    for runner in runners:
        starts = runner["last_starts"]
        assert len(starts) == REAL_FORM_SIZE
        assert all(isinstance(v, str) for s in starts for v in s.values()) and len(starts[0]) >= 30
        # What changes every poll sits beside the cached form data.
        assert set(runner["odds"]) == {"fixed_win", "fixed_place", "pool_win", "pool_place"}
    assert doc["data"]["race"]["event_id"] == race.race_id
    assert doc["header"]["generated_time"].startswith(
        datetime.fromtimestamp(race.start - 50 * 60, UTC).strftime("%Y-%m-%dT%H:%M")
    )


def test_the_database_reads_a_real_size_event_as_it_reads_a_real_one(clean_db):
    start = datetime.now(UTC).timestamp() - 3600
    sim = Simulator(3, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start)
    race = real_size_race(sim)
    at = race.start - 20 * 60
    body = event_json(sim.day, race, at, QUERY)
    (runners, odds) = clean_db.execute(
        "SELECT jsonb_array_length(raceday.event_runners(%s::jsonb #> '{data,runners}')), "
        "raceday.event_runners(%s::jsonb #> '{data,runners}') -> 0 -> 'odds'",
        (body, body),
    ).fetchone()
    assert runners == 14
    assert odds == json.loads(body)["data"]["runners"][0]["odds"]
