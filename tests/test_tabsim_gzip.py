"""Like TAB, the simulator answers gzip-compressed when asked (the fetcher
always asks: fetcher/body.py), a tenth of an event's size on the wire; the
fetcher's capped reader inflates it to the very text the simulator
rendered, so the database stores what it would have stored uncompressed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from fetcher.body import ACCEPT_ENCODING
from fetcher.tab import fetch
from tabsim.clock import SimClock
from tabsim.server import PREFIX, Simulator

QUERY = {"with_money_tracker": "true", "with_tote_trends_data": "true"}


async def _noop(_attempt) -> None:
    return None


def test_an_event_is_served_compressed_when_asked_and_the_fetcher_reads_the_same_text():
    start = 1_784_000_000
    # A clock that (to a double's precision) stands still: every answer describes one instant.
    clock = SimClock(datetime.fromtimestamp(start, UTC), speed=1e-9)
    with Simulator(4, clock, layout_start=start) as sim:
        race = next(r for r in sim.day.races.values() if len(r.runners) >= 12)
        clock.set(datetime.fromtimestamp(race.start - 30 * 60, UTC))
        path = f"{PREFIX}/racing/events/{race.race_id}"
        _, status, text = sim.respond(path, QUERY, clock.now())
        assert status == 200
        url = sim.base_url + path.removeprefix(PREFIX)
        with httpx.Client() as client:
            raw = client.get(url, params=QUERY, headers={"Accept-Encoding": ACCEPT_ENCODING})
            plain = client.get(url, params=QUERY, headers={"Accept-Encoding": "identity"})
            refused = client.get(url, params=QUERY, headers={"Accept-Encoding": "gzip;q=0"})
        assert raw.headers["content-encoding"] == "gzip"
        assert int(raw.headers["content-length"]) < len(text.encode()) / 5
        assert raw.text == text  # httpx inflates it here
        assert "content-encoding" not in plain.headers and plain.text == text
        assert "content-encoding" not in refused.headers

        async def fetched():
            async with httpx.AsyncClient(headers={"Accept-Encoding": ACCEPT_ENCODING}) as client:
                return await fetch(client, url, QUERY, 1, 0.0, 0.0, _noop)

        attempt = asyncio.run(fetched())
        assert attempt.ok and bytes(attempt.body) == text.encode()


def test_gzip_can_be_turned_off():
    start = 1_784_000_000
    with Simulator(4, SimClock(datetime.fromtimestamp(start, UTC)), layout_start=start, gzip=False) as sim:
        with httpx.Client() as client:
            answer = client.get(
                sim.base_url + "/racing/meetings", headers={"Accept-Encoding": ACCEPT_ENCODING}
            )
        assert answer.status_code == 200 and "content-encoding" not in answer.headers
