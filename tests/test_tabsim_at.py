"""A request may name the instant it wants answered (tabsim_at): a replay
with polls of several instants in flight asks each for its own, whatever the
simulator's clock says."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tabsim.clock import SimClock
from tabsim.server import PREFIX, Simulator

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true"}


def test_an_event_is_answered_for_the_instant_asked_for():
    start = 1_784_000_000
    clock = SimClock(datetime.fromtimestamp(start, UTC), speed=1e-9)
    with Simulator(4, clock, layout_start=start, gzip=False) as sim:
        race = next(iter(sim.day.races.values()))
        path = f"{PREFIX}/racing/events/{race.race_id}"
        url = sim.base_url + path.removeprefix(PREFIX)
        earlier, later = race.start - 30 * 60, race.start - 5 * 60
        with httpx.Client() as client:
            asked = [client.get(url, params=QUERY | {"tabsim_at": repr(at)}) for at in (later, earlier)]
            by_clock = client.get(url, params=QUERY)
            bad = [client.get(url, params=QUERY | {"tabsim_at": at}) for at in ("soon", "nan", "inf")]
        assert [r.text for r in asked] == [sim.respond(path, QUERY, at)[2] for at in (later, earlier)]
        assert asked[0].text != asked[1].text
        assert by_clock.text == sim.respond(path, QUERY, clock.now())[2]
        assert all(r.status_code == 400 and "tabsim_at" in r.json()["error"]["message"] for r in bad)
