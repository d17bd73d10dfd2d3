"""TAB's envelope and field shapes for the three endpoints raceday uses.

Runners carry TAB's bulky form data (last starts, flucs...), which raceday
keeps only raw. As TAB sends it: each of a runner's last starts is an object
of about thirty fields, every value a string, and the document is indented
by four spaces; about half of a real event's bytes are that whitespace (the
few fields that change every poll are each on one line here). An event of
14 runners with 15 last starts each (REAL_FORM_SIZE) is about 400 KB, as real
ones are. The static part of each runner is encoded once and cached.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from .model import CATEGORY_NAMES, FORM_COMMENTS, NZ, Meeting, Race, RacingDay, _rng, track_of


def generated_time(t: float) -> str:
    """UTC with nanoseconds, as TAB writes it: 2025-07-17T11:16:59.18904298Z."""
    whole = datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    nanos = int(round((t - int(t)) * 1e9)) % 1_000_000_000
    return f"{whole}.{nanos:09d}".rstrip("0").rstrip(".") + "Z"


def iso_z(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(title: str, url: str, params: dict, data: dict, t: float) -> dict:
    return {
        "header": {"title": title, "generated_time": generated_time(t), "url": url},
        "params": params,
        "data": data,
    }


def meeting_json(meeting: Meeting, day: RacingDay, t: float) -> dict:
    return {
        "meeting": meeting.meeting_id,
        "name": meeting.name,
        "date": f"{meeting.date}T00:00:00Z",
        "track_condition": meeting.track_condition,
        "category": meeting.category,
        "category_name": CATEGORY_NAMES[meeting.category],
        "country": meeting.country,
        "state": meeting.state,
        "races": [
            {
                "id": r.race_id,
                "race_number": r.race_number,
                "name": r.name,
                "start_time": iso_z(r.start),
                "track_condition": r.track_condition,
                "distance": r.distance,
                "weather": r.weather,
                "country": r.country,
                "state": r.state,
                "status": day.status(r, t),
            }
            for r in meeting.races
        ],
    }


@functools.lru_cache(maxsize=4096)
def runner_static(seed: int, race: Race, index: int, form_size: int) -> str:
    """The runner's unchanging fields and form data as a JSON object body
    without its closing brace, so the changing fields can be appended."""
    r = race.runners[index]
    rng = _rng("form", seed, r.entrant_id)
    tracks = ["Ellerslie", "Te Rapa", "Otaki", "Wanganui", "Hastings", "Tauranga"]
    horses = ["Red Sky", "Kiwi Belle", "Harbour Lights", "Silver Fern", "Southern Cross", "Night Owl"]
    starts = []
    for _ in range(form_size):
        runners = rng.randint(6, 16)
        finish = rng.randint(1, runners)
        track = rng.choice(tracks)
        winner, second, third = rng.sample(horses, 3)
        starts.append(
            {
                "barrier": str(rng.randint(1, runners)),
                "bon": f"{rng.randint(1, 2)}.{rng.randint(0, 59):02d}.{rng.randint(0, 99):02d}",
                "class": rng.choice(["Rating 65", "Maiden", "Open", "Rating 72 Benchmark"]),
                "date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026",
                "days_since": str(rng.randint(7, 90)),
                "distance": str(rng.choice([1200, 1400, 1600, 2000, 2200])),
                "finish": str(finish),
                "gear": rng.choice(["", "Blinkers", "Blinkers, Lugging Bit", "Nose Band on"]),
                "jockey": rng.choice(["K Hercock", "M Cameron", "J Parkes", "S Spratt"]),
                "last_600": f"0.{rng.randint(33, 38)}.{rng.randint(0, 99):02d}",
                "limit_weight": f"{rng.randint(53, 60)}.00",
                "margin": f"{rng.uniform(0, 12):.2f}",
                "margin_1st_2nd": rng.choice(["Head", "Neck", "1 Length", "2 Lengths", "4 Lengths"]),
                "margin_2nd_3rd": rng.choice(["Head", "Neck", "1 Length", "2 Lengths"]),
                "margin_3rd_4th": rng.choice(["", "Nose", "1/2 Length", "1 Length"]),
                "minimum_handicap": f"{rng.randint(53, 55)}.00",
                "number": str(rng.randint(1, runners)),
                "number_of_runners": str(runners),
                "place_favouritism": str(rng.randint(1, runners)),
                "prize_money": str(rng.choice([12500, 18500, 25000, 40000])),
                "run_rating": str(rng.randint(40, 80)),
                "second": second,
                "starting_price": f"{rng.uniform(1.5, 60):.2f}",
                "third": third,
                "time_ran": f"{rng.randint(1, 2)}:{rng.randint(0, 59):02d}.{rng.randint(0, 99):02d}",
                "track": track[:4].upper(),
                "track_condition": rng.choice(["Good 4", "Soft 5", "Heavy 8", "Good 3"]),
                "track_direction": rng.choice(["Left Handed", "Right Handed"]),
                "track_four_char": track[:4].upper(),
                "track_surface": rng.choice(["Grass", "Synthetic"]),
                "weight_carried": f"{rng.uniform(53, 61):.1f}",
                "win_favouritism": str(rng.randint(1, runners)),
                "winner": winner,
            }
        )
    # As TAB sends them: up to twenty placings (0 for tenth or worse, x a
    # spell), a form comment or null, weights in kg as text ("" for harness).
    last_starts = "".join(rng.choice("1234567890x") for _ in range(rng.randint(1, 20)))
    form_comment = rng.choice(FORM_COMMENTS) if rng.random() < 0.7 else None
    if race.category == "H":
        weight = {"allocated": "", "total": ""}
    else:
        allocated = rng.randrange(106, 123) / 2
        claim = rng.choice([0, 0, 0, 1.5, 2, 3])
        weight = {"allocated": f"{allocated:g}", "total": f"{allocated - claim:g}"}
    static = {
        "entrant_id": r.entrant_id,
        "market_name": "Final Field",
        "primary_market": True,
        "name": r.name,
        "is_emergency": r.emergency,
        "first_start_indicator": False,
        "emergency_position": "",
        "barrier": r.barrier,
        "runner_number": r.runner_number,
        "age": rng.randint(2, 9),
        "sex": rng.choice(["g", "m", "h"]),
        "colour": rng.choice(["b", "br", "ch", "gr"]),
        "silk_colours": r.silk_colours,
        "silk_url_64x64": f"https://silks.example.invalid/{r.entrant_id}_64x64.png",
        "silk_url_128x128": f"https://silks.example.invalid/{r.entrant_id}_128x128.png",
        "jockey": r.jockey,
        "trainer_name": r.trainer_name,
        "trainer_location": "Matamata",
        "owners": "J & R Smith",
        "last_twenty_starts": last_starts,
        "form_comment": form_comment,
        "gear": "Blinkers, Lugging Bit",
        "weight": weight,
        "last_starts": starts,
        "past_performances": {
            "jockey": {"number_of_starts": rng.randint(0, 50), "number_of_wins": rng.randint(0, 9)}
        },
        "flucs": [round(rng.uniform(2, 30), 1) for _ in range(24)],
        "speedmap": {
            "settling_lengths": rng.randint(0, 10),
            "label": rng.choice(["Leader", "Midfield", "Back"]),
        },
        "overall": {"starts": rng.randint(0, 40), "wins": rng.randint(0, 8), "seconds": rng.randint(0, 8)},
    }
    # Each runner is an element of data.runners: three levels in, as TAB indents it.
    text = _indented(static, 3)
    return text[: -len(_CLOSE_RUNNER)]


_CLOSE_RUNNER = "\n" + " " * 12 + "}"


def _indented(value, level: int) -> str:
    """JSON as TAB writes it, indented by four spaces, for a value nested `level` deep."""
    return json.dumps(value, indent=4).replace("\n", "\n" + " " * (4 * level))


def _fields(obj: dict, level: int) -> str:
    """An object's fields a line each, at `level`, their values on one line:
    what changes every poll is rendered by json's C encoder (indenting is
    pure Python, three times the cost), with the same bytes to parse but for
    some whitespace."""
    pad = " " * (4 * level)
    return ",\n".join(f"{pad}{_KEY(k)}: {_VALUE(v)}" for k, v in obj.items())


# One encoder each, made once: json.dumps with any option builds a new
# encoder per call, about 170 times per event rendered.
_KEY = json.JSONEncoder().encode
_VALUE = json.JSONEncoder(separators=(", ", ": ")).encode


def event_json(day: RacingDay, race: Race, t: float, query: dict[str, str]) -> str:
    """The body of GET /racing/events/{id}, as JSON text."""
    st = day.state(race, t)
    local = datetime.fromtimestamp(race.start, NZ)
    field_size = sum(1 for r in race.runners if not r.scratched(t))
    track = track_of(day.seed, race.meeting_id, race.category, race.track_condition)
    race_obj = {
        "event_id": race.race_id,
        "meeting_name": race.meeting_name,
        "display_meeting_name": race.meeting_name,
        "meeting_id": race.meeting_id,
        "status": st.status,
        "description": race.name,
        "advertised_start": race.start,
        "actual_start": race.actual_start if st.status in ("Closed", "Interim", "Final") else 0,
        "advertised_start_string": datetime.fromtimestamp(race.start, UTC).strftime(
            "%Y-%m-%d %H:%M:%S +0000 UTC"
        ),
        "race_date_nz": local.date().isoformat(),
        "start_time_nz": f"{local:%H:%M:%S} {local.tzname()}",
        "race_number": race.race_number,
        "type": race.category,
        "start_type": "Mobile" if race.category == "H" else "",
        "country": race.country,
        "state": race.state,
        "distance": race.distance,
        "weather": race.weather,
        "track_condition": race.track_condition,
        "track_direction": track.direction,
        "track_surface": track.surface,
        "rail_position": track.rail_position,
        "silk_url": f"https://silks.example.invalid/{race.race_id}_sprite.png",
        "entrant_count": len(race.runners),
        "field_size": field_size,
        "positions_paid": 3 if field_size >= 8 else 2,
        "prize_monies": {"1st": 9520, "2nd": 3060, "3rd": 1530, "total_value": 17000},
        "comment": "A fair field; the market leaders have the recent form. " * 4,
    }
    runners = []
    for r in race.runners:
        dynamic = {
            "is_scratched": r.scratched(t),
            "is_late_scratched": r.late_scratch and r.scratched(t),
            "scratch_time": int(r.scratched_at) if r.scratched(t) and r.scratched_at else 0,
            "odds": st.odds[r.entrant_id],
            "favourite": False,
            "mover": False,
        }
        runners.append((r, dynamic))
    live = [(r, d) for r, d in runners if r.entrant_id in st.money]
    if live:
        fav = max(live, key=lambda rd: st.money[rd[0].entrant_id])
        fav[1]["favourite"] = True
    parts = [
        " " * 12 + runner_static(day.seed, race, i, day.form_size) + ",\n" + _fields(d, 4) + _CLOSE_RUNNER
        for i, (_, d) in enumerate(runners)
    ]
    data: dict = {"race": race_obj}
    if query.get("with_money_tracker") == "true":
        data["money_tracker"] = {"entrants": money_tracker(day, race, st, t)}
    pools_visible = not (st.status == "Final" and race.omit_pools_when_final)
    if pools_visible and st.status != "Abandoned":
        status = "OPEN" if st.status == "Open" else "CLOSED"
        tote_pools = []
        for name, total in st.pools:
            pool = {
                "product_type": name,
                "total": total,
                "status": status,
                "guarantee": 0,
                "brought_forward": 0,
                "is_final": st.status == "Final",
            }
            if name == "Win" and query.get("with_tote_trends_data") == "true":
                pool["tote_trends"] = {"pool_total": total, "tote_trends_data": tote_trends_xml(race, st)}
            tote_pools.append(pool)
        data["tote_pools"] = tote_pools
    if st.results:
        data["results"] = [
            {
                "position": pos,
                "name": r.name,
                "barrier": r.barrier,
                "runner_number": r.runner_number,
                "margin_length": 0 if pos == 1 else round(0.3 * pos, 1),
                "entrant_id": r.entrant_id,
                **({"winning_time": 96.31} if pos == 1 else {"positional_margin": f"{pos - 1}L"}),
            }
            for pos, r in enumerate(st.results[: race_obj["positions_paid"]], start=1)
        ]
        data["dividends"] = dividends(race, st)
    else:
        data["results"] = []
        data["dividends"] = []
    data["substitutions"] = []
    data["favourite"] = {}
    data["mover"] = {}
    if query.get("with_will_pays") == "true":
        data["will_pays"] = []
    params = {
        "enc": "json",
        "id": race.race_id,
        **{k: v == "true" for k, v in query.items() if k.startswith("with_")},
    }
    head = _indented(
        envelope(
            f"Event Details: {race.race_id}",
            f"/affiliates/v1/racing/events/{race.race_id}" + (f"?{urlencode(query)}" if query else ""),
            params,
            {},
            t,
        ),
        0,
    )
    # Splice the cached runner texts into the document: head ends '"data": {}\n}'.
    return (
        head[: -len("{}\n}")]
        + "{\n"
        + _fields(data, 2)
        + ',\n        "runners": [\n'
        + ",\n".join(parts)
        + "\n        ]\n    }\n}"
    )


def money_tracker(day: RacingDay, race: Race, st, t: float) -> list[dict]:
    """Several interleaved entries per runner, many zero, summing to the
    runner's percentage; plus entries for ids that are not runners."""
    rng = _rng("tracker", day.seed, race.race_id, int(t // 15))
    entries = []
    for entrant_id, hold in st.hold.items():
        bet = st.bet[entrant_id]
        k = rng.randint(2, 4)
        cuts_h = sorted(rng.randint(0, hold) for _ in range(k - 1))
        cuts_b = sorted(rng.randint(0, bet) for _ in range(k - 1))
        hs = [b - a for a, b in zip([0, *cuts_h], [*cuts_h, hold], strict=True)]
        bs = [b - a for a, b in zip([0, *cuts_b], [*cuts_b, bet], strict=True)]
        entries += [
            {"entrant_id": entrant_id, "hold_percentage": h, "bet_percentage": b}
            for h, b in zip(hs, bs, strict=True)
        ]
        entries.append({"entrant_id": entrant_id, "hold_percentage": 0, "bet_percentage": 0})
    stray_rng = _rng("stray", day.seed, race.race_id)
    for _ in range(2):
        entries.append(
            {
                "entrant_id": str(uuid.UUID(int=stray_rng.getrandbits(128), version=4)),
                "hold_percentage": rng.randint(0, 1),
                "bet_percentage": rng.randint(0, 1),
            }
        )
    rng.shuffle(entries)
    return entries


def tote_trends_xml(race: Race, st) -> str:
    rows = "".join(
        f'\r\n            <runner runner_number="{r.runner_number}">\r\n'
        f"              <runner_scratched>{r.entrant_id not in st.money}</runner_scratched>\r\n"
        f"              <runner_name>{r.name}</runner_name>\r\n"
        f"              <investment>{st.money.get(r.entrant_id, 0):.2f}</investment>\r\n"
        f"            </runner>"
        for r in race.runners
    )
    return (
        f'<meetings>\r\n  <meeting>\r\n    <race race_number="{race.race_number}">\r\n'
        f'      <bet_types>\r\n        <bet_type type="WIN">\r\n          <pool_total>{st.win_pool:.2f}</pool_total>'
        f"\r\n          <runners>{rows}\r\n          </runners>\r\n        </bet_type>\r\n      </bet_types>"
        f"\r\n    </race>\r\n  </meeting>\r\n</meetings>"
    )


def dividends(race: Race, st) -> list[dict]:
    """Each pool once Interim and, once the race is Final, once Final too."""
    placed = st.results
    statuses = ["Interim"] + (["Final"] if st.status == "Final" else [])
    out = []
    for status in statuses:
        shown = status
        if status == "Interim" and st.status == "Interim" and race.flag:
            shown = f"Interim {race.flag}"
        for name, total in st.pools:
            n = {"Win": 1, "Place": 1, "Quinella": 2, "Exacta": 2, "Trifecta": 3, "FirstFour": 4}[name]
            legs = [placed[:n]] if name != "Place" else [[r] for r in placed[:3]]
            for leg in legs:
                if len(leg) < n:
                    continue
                share = st.money.get(leg[0].entrant_id, 1) / (st.win_pool or 1)
                out.append(
                    {
                        "id": str(
                            uuid.uuid5(
                                uuid.NAMESPACE_URL, f"{race.race_id}/{name}/{status}/{leg[0].runner_number}"
                            )
                        ),
                        "tote": "NZ",
                        "product_name": f"Pool {name}",
                        "status": shown,
                        "dividend": round(max(1.1, 0.85 / max(share, 0.01) * n), 2),
                        "pool_size": total,
                        "jackpot_size": 0,
                        "positions": [
                            {"runner_number": r.runner_number, "position": p}
                            for p, r in enumerate(leg, start=1)
                        ],
                        "description": ":".join(str(r.runner_number) for r in leg),
                    }
                )
    return out
