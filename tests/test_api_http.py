"""The client contract over HTTP (DOMAIN.md §7), against whichever server
`make run` would start (PostgREST if present, else the gateway), on a
database filled by the real pipeline for half an hour of a simulated racing
day: the schedule, the simulator, the fetcher's database layer and the
transforms (tabsim.replay, which runs the half hour without waiting for it).

The day is the module's own: the session's `simulated_day` is shared with
tests/day, whose ops views read table statistics that the ANALYZE here
would change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import quote

import httpx
import psycopg
import pytest

from harness import ApiServer, empty_database, replay, user_token

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")
STATUSES = {"open", "closed", "interim", "final", "abandoned"}
ERROR_KEYS = {"code", "message", "details", "hint"}


@pytest.fixture(scope="module")
def day(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_database(conn)
        # Half an hour of racing: opens, closes, results, finals.
        replay(database_url, 0.5, seed=11, form_size=3, min_polls=500)
        yield conn
        empty_database(conn)  # pgTAP files that may run later expect empty tables


@pytest.fixture(scope="module")
def api(day: psycopg.Connection, database_url: str) -> Iterator[httpx.Client]:
    server = ApiServer(database_url)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            yield client
    finally:
        server.stop()


def get(api: httpx.Client, path: str, **params) -> list[dict]:
    response = api.get(path, params=params)
    assert response.status_code == 200, (path, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def is_time(value) -> bool:
    return isinstance(value, str) and bool(ISO.match(value))


def is_cents(value) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def is_number(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def a_race(day: psycopg.Connection, where: str) -> str:
    row = day.execute(
        f"SELECT race_id::text FROM raceday.races r WHERE {where} ORDER BY start_time LIMIT 1"
    ).fetchone()
    assert row, f"the simulated day has no race where {where}"
    return row[0]


# -- the screens ------------------------------------------------------------


def test_meetings_list(api, day):
    meetings = get(
        api,
        "/meetings",
        select="meeting_id,meeting_name,country,race_type,category,date,status,"
        "first_race_time,is_completed,total_races,finalized_races",
        order="first_race_time,meeting_id",
    )
    assert len(meetings) == day.execute("SELECT count(*) FROM raceday.meetings").fetchone()[0] > 5
    for m in meetings:
        assert m["race_type"] in ("thoroughbred", "harness") and m["category"] in ("T", "H")
        assert re.match(r"^\d{4}-\d\d-\d\d$", m["date"]) and is_time(m["first_race_time"])
        assert isinstance(m["total_races"], int) and isinstance(m["finalized_races"], int)
        assert m["is_completed"] == (m["total_races"] > 0 and m["finalized_races"] == m["total_races"])
        assert m["status"] in ("active", "completed", "abandoned")
    times = [m["first_race_time"] for m in meetings]
    assert times == sorted(times, key=lambda t: day.execute("SELECT %s::timestamptz", (t,)).fetchone()[0])


def test_races_of_a_meeting_and_navigation(api, day):
    meeting = day.execute(
        "SELECT meeting_id::text FROM raceday.races GROUP BY 1 HAVING count(*) >= 3 LIMIT 1"
    ).fetchone()[0]
    races = get(api, "/races", meeting_id=f"eq.{meeting}", order="race_number")
    fields = {
        "race_id",
        "meeting_id",
        "meeting_name",
        "name",
        "race_number",
        "start_time",
        "actual_start",
        "status",
        "distance",
        "track_condition",
        "weather",
        "type",
        "race_type",
        "field_size",
        "entrant_count",
        "positions_paid",
        "silk_url",
        "race_date_nz",
        "start_time_nz",
    }
    assert fields <= set(races[0])
    assert [r["race_number"] for r in races] == sorted(r["race_number"] for r in races)
    for r in races:
        assert r["status"] in STATUSES and is_time(r["start_time"])
        assert r["actual_start"] is None or is_time(r["actual_start"])
    middle = races[1]
    nav = get(api, "/rpc/race_navigation", race_id=middle["race_id"])
    assert len(nav) == 1
    assert nav[0]["previous_race"]["race_id"] == races[0]["race_id"]
    assert nav[0]["next_race"]["race_id"] == races[2]["race_id"]
    scheduled = nav[0]["next_scheduled_race"]
    assert scheduled is None or (scheduled["meeting_name"] and scheduled["status"] == "open")


def test_upcoming_races(api, day):
    upcoming = get(api, "/rpc/upcoming_races")
    now = day.execute("SELECT now()").fetchone()[0]
    assert upcoming, "races start within two hours of the simulated day's start"
    starts = [day.execute("SELECT %s::timestamptz", (r["start_time"],)).fetchone()[0] for r in upcoming]
    assert starts == sorted(starts)
    for race, start in zip(upcoming, starts, strict=True):
        assert {"race_id", "name", "race_number", "start_time", "status", "meeting_name"} <= set(race)
        assert (start - now).total_seconds() <= 120 * 60 + 5 and (now - start).total_seconds() <= 5 * 60 + 5
        assert race["status"] != "abandoned"
    assert len(get(api, "/rpc/upcoming_races", window_minutes=600, max_races=3)) <= 3
    nxt = get(api, "/rpc/next_scheduled_race")
    assert len(nxt) <= 1 and all(r["status"] == "open" for r in nxt)


def test_entrants_grid(api, day):
    race = a_race(day, "EXISTS (SELECT FROM raceday.money_flow_history h WHERE h.race_id = r.race_id)")
    entrants = get(api, "/entrants", race_id=f"eq.{race}", order="runner_number")
    fields = {
        "entrant_id",
        "race_id",
        "name",
        "runner_number",
        "barrier",
        "jockey",
        "trainer_name",
        "silk_colours",
        "silk_url_64x64",
        "silk_url_128x128",
        "is_scratched",
        "is_late_scratched",
        "scratch_time",
        "is_emergency",
        "favourite",
        "mover",
        "fixed_win_odds",
        "fixed_place_odds",
        "pool_win_odds",
        "pool_place_odds",
        "hold_percentage",
        "bet_percentage",
        "win_pool_amount",
        "place_pool_amount",
        "win_pool_percentage",
        "place_pool_percentage",
        "updated_at",
    }
    assert entrants and fields <= set(entrants[0])
    assert [e["runner_number"] for e in entrants] == sorted(e["runner_number"] for e in entrants)
    for e in entrants:
        assert isinstance(e["is_scratched"], bool) and is_time(e["updated_at"])
        assert is_cents(e["win_pool_amount"]) and is_cents(e["place_pool_amount"])
        assert all(
            is_number(e[k])
            for k in ("fixed_win_odds", "pool_win_odds", "hold_percentage", "win_pool_percentage")
        )
    live = [e for e in entrants if not e["is_scratched"] and e["win_pool_amount"] is not None]
    assert live, "unscratched runners carry money"


def test_client_fields_filled_on_a_simulated_day(api, day):
    """The fields TAB sends with each race and runner that the client's
    headers and grid show (client_fields), filled by a simulated day."""
    meetings = get(
        api,
        "/meetings",
        select="meeting_id,race_type,created_at,weather,track_direction,track_surface,rail_position",
        order="meeting_id",
    )
    polled = {
        m
        for (m,) in day.execute(
            "SELECT DISTINCT meeting_id::text FROM raceday.races WHERE last_poll_time IS NOT NULL"
        )
    }
    assert len(polled) > 5
    for m in meetings:
        assert is_time(m["created_at"])
        if m["meeting_id"] in polled:
            assert m["weather"] and m["track_direction"] in ("Left", "Right"), m
            assert m["track_surface"] in (
                {"Turf", "Synthetic"} if m["race_type"] == "thoroughbred" else {"All Weather"}
            ), m
            assert (m["rail_position"] is not None) == (m["race_type"] == "thoroughbred"), m
    # Each meeting shows the conditions of its race observed last.
    expected = dict(
        day.execute("""SELECT DISTINCT ON (meeting_id) meeting_id::text, weather FROM raceday.races
                                   WHERE last_poll_time IS NOT NULL
                                   ORDER BY meeting_id, last_poll_time DESC, race_number DESC""").fetchall()
    )
    assert {m["meeting_id"]: m["weather"] for m in meetings if m["meeting_id"] in polled} == expected
    races = get(
        api,
        "/races",
        select="race_id,created_at,track_direction,track_surface,rail_position,last_poll_time",
        last_poll_time="not.is.null",
    )
    assert races and all(
        is_time(r["created_at"]) and r["track_direction"] and r["track_surface"] for r in races
    )
    runners = get(
        api,
        "/entrants",
        select="entrant_id,race_id,created_at,weight_allocated,weight_total,form_comment,"
        "last_twenty_starts,races(race_type)",
    )
    assert len(runners) > 50
    for e in runners:
        assert is_time(e["created_at"]) and re.match(r"^[0-9x]{1,20}$", e["last_twenty_starts"]), e
        if e["races"]["race_type"] == "thoroughbred":
            assert 50 <= e["weight_allocated"] <= 62 and e["weight_total"] <= e["weight_allocated"], e
        else:
            assert e["weight_allocated"] is None and e["weight_total"] is None, e
    comments = [e["form_comment"] for e in runners]
    assert any(comments) and None in comments, "TAB sends a form comment for some runners, null for others"
    results = get(api, "/race_results", select="race_id,created_at,result_time")
    assert results and all(is_time(r["created_at"]) for r in results)


def test_timeline_paged_by_id_returns_each_row_once(api, day):
    """The client's incremental fetch: id=gt.<last id>&order=id, exact even
    when rows share a created_at (money_flow_latest_id_cursor)."""
    race = a_race(day, "EXISTS (SELECT FROM raceday.money_flow_history h WHERE h.race_id = r.race_id)")
    everything = get(api, "/money_flow_timeline", race_id=f"eq.{race}", order="id")
    pages, last = [], 0
    while page := get(
        api, "/money_flow_timeline", race_id=f"eq.{race}", id=f"gt.{last}", order="id", limit="7"
    ):
        pages.append(page)
        last = page[-1]["id"]
    seen = [r["id"] for page in pages for r in page]
    assert len(pages) > 2 and seen == [r["id"] for r in everything] and len(seen) == len(set(seen))
    (expected,) = day.execute(
        "SELECT array_agg(id ORDER BY id) FROM raceday.money_flow_latest WHERE race_id = %s", (race,)
    ).fetchone()
    assert seen == expected


TIMELINE_FIELDS = {
    "id",
    "race_id",
    "entrant_id",
    "type",
    "time_interval",
    "time_to_start",
    "interval_type",
    "hold_percentage",
    "bet_percentage",
    "win_pool_amount",
    "place_pool_amount",
    "win_pool_percentage",
    "place_pool_percentage",
    "incremental_win_amount",
    "incremental_place_amount",
    "incremental_amount",
    "fixed_win_odds",
    "fixed_place_odds",
    "pool_win_odds",
    "pool_place_odds",
    "event_timestamp",
    "polling_timestamp",
    "created_at",
}


def test_money_flow_timeline(api, day):
    race = a_race(
        day,
        "status IN ('final', 'interim') AND EXISTS "
        "(SELECT FROM raceday.money_flow_history h WHERE h.race_id = r.race_id)",
    )
    rows = get(api, "/money_flow_timeline", race_id=f"eq.{race}", order="entrant_id,time_interval.desc")
    assert rows and TIMELINE_FIELDS <= set(rows[0])
    for row in rows:
        assert row["type"] == "bucketed_aggregation" and row["interval_type"] in ("5m", "2m", "30s", "live")
        assert all(
            is_cents(row[k])
            for k in (
                "win_pool_amount",
                "place_pool_amount",
                "incremental_win_amount",
                "incremental_place_amount",
                "incremental_amount",
            )
        )
        assert row["incremental_amount"] == row["incremental_win_amount"]
        assert is_time(row["event_timestamp"]) and is_time(row["created_at"])
        assert isinstance(row["time_interval"], (int, float))
    keys = [(r["entrant_id"], r["time_interval"]) for r in rows]
    assert len(keys) == len(set(keys)), "one row (the latest) per runner and bucket"
    # The same numbers as the history's latest row of each bucket.
    expected = day.execute(
        """SELECT DISTINCT ON (entrant_id, time_interval) entrant_id::text, time_interval, win_pool_amount
                              FROM raceday.money_flow_history WHERE race_id = %s
                              ORDER BY entrant_id, time_interval DESC, event_timestamp DESC""",
        (race,),
    ).fetchall()
    assert [(r["entrant_id"], Decimal(str(r["time_interval"])), r["win_pool_amount"]) for r in rows] == [
        (e, t, w) for e, t, w in expected
    ]
    # Filter by runners.
    two = sorted({r["entrant_id"] for r in rows})[:2]
    some = get(api, "/money_flow_timeline", race_id=f"eq.{race}", entrant_id=f"in.({','.join(two)})")
    assert {r["entrant_id"] for r in some} == set(two) and len(some) == sum(
        r["entrant_id"] in two for r in rows
    )


def test_timeline_paged_by_created_at_returns_each_row_once(api, day):
    race = a_race(day, "EXISTS (SELECT FROM raceday.money_flow_history h WHERE h.race_id = r.race_id)")
    everything = get(api, "/money_flow_timeline", race_id=f"eq.{race}", order="created_at,id")
    pages, last = [], None
    while True:
        params = {"race_id": f"eq.{race}", "order": "created_at,id", "limit": "7"}
        if last:
            params["created_at"] = f"gt.{last}"
        page = get(api, "/money_flow_timeline", **params)
        if not page:
            break
        pages.append(page)
        last = page[-1]["created_at"]
    seen = [r["id"] for page in pages for r in page]
    assert len(pages) > 2
    assert seen == [r["id"] for r in everything] and len(seen) == len(set(seen))
    # By id: the client asks for what is newer than the last id it holds.
    newest = everything[len(everything) // 2]["id"]
    newer = get(api, "/money_flow_timeline", race_id=f"eq.{race}", id=f"gt.{newest}")
    assert {r["id"] for r in newer} == {r["id"] for r in everything if r["id"] > newest}


def test_pools_panel(api, day):
    race = a_race(
        day, "EXISTS (SELECT FROM raceday.race_pools p WHERE p.race_id = r.race_id AND p.win_pool_total > 0)"
    )
    [pools] = get(api, "/race_pools", race_id=f"eq.{race}")
    for k in (
        "win_pool_total",
        "place_pool_total",
        "quinella_pool_total",
        "trifecta_pool_total",
        "exacta_pool_total",
        "first4_pool_total",
        "total_race_pool",
    ):
        assert is_cents(pools[k]), k
    assert pools["total_race_pool"] >= pools["win_pool_total"] + pools["place_pool_total"]
    assert pools["currency"] and is_time(pools["last_updated"])


def test_results_panel(api, day):
    race = a_race(day, "status = 'final'")
    [result] = get(api, "/race_results", race_id=f"eq.{race}")
    assert result["result_status"] == "final" and result["results_available"] is True
    assert isinstance(result["results_data"], list) and result["results_data"]
    assert isinstance(result["dividends_data"], list)
    assert all(isinstance(result[k], bool) for k in ("photo_finish", "stewards_inquiry", "protest_lodged"))
    assert is_time(result["result_time"])


def test_pipeline_status(api, day):
    """The day was polled by one fetcher from a simulator that injected no
    faults: each race's polls were answered 200 and none was quarantined,
    its last ingest is its newest stored poll, and a race that is over has
    no data age."""
    rows = get(api, "/pipeline_status", order="start_time", limit="5")
    assert len(rows) == 5
    for r in rows:
        status, stored, newest = day.execute(
            """
            SELECT r.status, count(s.id), max(s.received_at) FROM raceday.races r
            LEFT JOIN staging.raw_responses s ON s.target = r.race_id::text WHERE r.race_id = %s GROUP BY 1""",
            (r["race_id"],),
        ).fetchone()
        assert stored > 0, f"race {r['race_id']} was never polled"
        assert r["status"] == status
        assert is_time(r["last_poll"]) and is_time(r["last_ingest"])
        assert day.execute("SELECT %s::timestamptz", (r["last_ingest"],)).fetchone()[0] == newest
        assert (r["quarantined_polls"], r["consecutive_failures"], r["last_http_status"]) == (0, 0, 200), r
        assert (r["data_age"] is None) == (status in ("final", "abandoned")), r
    starts = [day.execute("SELECT %s::timestamptz", (r["start_time"],)).fetchone()[0] for r in rows]
    assert starts == sorted(starts)


def test_race_alerts(api, day):
    race = a_race(day, "EXISTS (SELECT FROM raceday.race_alerts a WHERE a.race_id = r.race_id)")
    alerts = get(api, "/race_alerts", race_id=f"eq.{race}", order="id")
    assert alerts and all(
        a["kind"] in ("money", "odds", "plunge") and is_time(a["observed_at"]) for a in alerts
    )
    assert all(set(a["evidence"]) == {"buckets", "shares", "odds", "pool_share_before"} for a in alerts)
    coloured = get(api, "/rpc/race_alerts_for", race_id=race)  # anonymous: the default indicators
    assert [a["id"] for a in coloured] == [a["id"] for a in alerts]
    for a in coloured:
        share = a["share"]
        expected = next((c for lo, hi, c in DEFAULTS if share >= lo and (hi is None or share < hi)), None)
        assert a["color"] == expected, a


# -- alert settings -----------------------------------------------------------

DEFAULTS = [
    (5, 10, "#E5E7EB"),
    (10, 15, "#BFDBFE"),
    (15, 20, "#FEF3C7"),
    (20, 25, "#FED7AA"),
    (25, 50, "#FECACA"),
    (50, None, "#F3E8FF"),
]


def signed_in(api: httpx.Client, user: str) -> httpx.Client:
    """A client of the same API with a user's token (alert settings are a signed-in user's)."""
    return httpx.Client(
        base_url=api.base_url, timeout=10, headers={"Authorization": f"Bearer {user_token(user)}"}
    )


def test_alert_configs_read_save_reset(api):
    api = signed_in(api, "http-user")
    fresh = get(api, "/rpc/alert_configs")
    assert [(a["percentage_range_min"], a["percentage_range_max"], a["color"]) for a in fresh] == DEFAULTS
    assert [a["display_order"] for a in fresh] == [1, 2, 3, 4, 5, 6]
    assert all(a["indicator_type"] == "percentage_range" and a["is_default"] and a["enabled"] for a in fresh)

    changed = dict(fresh[5], percentage_range_min=60, color="#112233")
    saved = api.post(
        "/rpc/save_alert_configs", json={"indicators": [changed], "audible_alerts_enabled": False}
    )
    assert saved.status_code == 200, saved.text
    assert [
        (a["display_order"], a["percentage_range_min"], a["color"], a["is_default"]) for a in saved.json()
    ][4:] == [(5, 25, "#FECACA", True), (6, 60, "#112233", False)]
    assert get(api, "/alert_configs", user_id="eq.http-user", display_order="eq.6")[0]["color"] == "#112233"
    assert all(a["audible_alerts_enabled"] is False for a in get(api, "/rpc/alert_configs"))
    assert [a["indicator_id"] for a in saved.json()] == [a["indicator_id"] for a in fresh]

    reset = api.post("/rpc/reset_alert_configs")
    assert reset.status_code == 200
    assert [
        (a["percentage_range_min"], a["percentage_range_max"], a["color"]) for a in reset.json()
    ] == DEFAULTS


@pytest.mark.parametrize(
    "indicator, field",
    [
        ({"display_order": 0, "percentage_range_min": 1, "color": "#000000"}, "indicators[0].display_order"),
        (
            {"display_order": 1, "percentage_range_min": 101, "color": "#000000"},
            "indicators[0].percentage_range_min",
        ),
        (
            {"display_order": 1, "percentage_range_min": 10, "percentage_range_max": 5, "color": "#000000"},
            "indicators[0].percentage_range_max",
        ),
        ({"display_order": 1, "percentage_range_min": 1, "color": "blue"}, "indicators[0].color"),
    ],
)
def test_bad_alert_config_is_400_naming_the_field(api, indicator, field):
    response = signed_in(api, "u").post("/rpc/save_alert_configs", json={"indicators": [indicator]})
    assert response.status_code == 400
    error = response.json()
    assert set(error) == ERROR_KEYS and error["code"] == "22023"
    assert error["message"].startswith(field), error


# -- PostgREST's grammar, errors and limits ---------------------------------


def test_count_and_content_range(api, day):
    total = day.execute("SELECT count(*) FROM api.races").fetchone()[0]
    response = api.get(
        "/races", params={"limit": "5", "offset": "2", "order": "race_id"}, headers={"Prefer": "count=exact"}
    )
    assert response.status_code == 206 and response.headers["content-range"] == f"2-6/{total}"
    response = api.get("/races", params={"limit": "5"})
    assert response.status_code == 200 and response.headers["content-range"] == "0-4/*"
    response = api.get("/races", params={"race_id": "is.null"}, headers={"Prefer": "count=exact"})
    assert response.json() == [] and response.headers["content-range"] == "*/0"


def test_single_object(api, day):
    race = a_race(day, "true")
    one = api.get(
        "/races", params={"race_id": f"eq.{race}"}, headers={"Accept": "application/vnd.pgrst.object+json"}
    )
    assert one.status_code == 200 and one.json()["race_id"] == race
    many = api.get("/races", headers={"Accept": "application/vnd.pgrst.object+json"})
    assert error(many, 406)["code"] == "PGRST116"


def test_filters(api, day):
    race = a_race(day, "true")
    assert [r["race_id"] for r in get(api, "/races", race_id=f"eq.{race}")] == [race]
    assert race not in {r["race_id"] for r in get(api, "/races", race_id=f"neq.{race}", limit="1000")}
    name = day.execute("SELECT meeting_name FROM raceday.meetings LIMIT 1").fetchone()[0]
    hits = get(api, "/meetings", meeting_name=f"ilike.*{name[1:4].upper()}*")
    assert name in {m["meeting_name"] for m in hits}
    assert all(
        m["meeting_name"].startswith(name[:2])
        for m in get(api, "/meetings", meeting_name=f"like.{name[:2]}*")
    )
    finals = get(api, "/races", status="in.(final,interim)", select="status")
    assert finals and {r["status"] for r in finals} <= {"final", "interim"}
    assert set(finals[0]) == {"status"}
    aliased = get(api, "/races", select="id:race_id,number:race_number", race_id=f"eq.{race}")
    assert set(aliased[0]) == {"id", "number"}
    assert all(r["actual_start"] is not None for r in get(api, "/races", actual_start="not.is.null"))
    soon = get(
        api,
        "/races",
        start_time="gte.2000-01-01T00:00:00+00:00",
        order="start_time.desc.nullslast",
        limit="3",
    )
    assert len(soon) == 3 and soon[0]["start_time"] >= soon[-1]["start_time"]


def test_row_cap(api, day):
    rows = get(api, "/odds_history", limit="100000", select="id")
    total = day.execute("SELECT count(*) FROM api.odds_history").fetchone()[0]
    assert total > 1000, "enough odds moves to reach the cap"
    assert len(rows) == 1000


def error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    return body


def test_errors_in_postgrest_shape(api):
    assert error(api.get("/no_such_view"), 404)["code"] in ("PGRST205", "42P01")
    assert error(api.get("/rpc/no_such_function"), 404)["code"] == "PGRST202"
    assert error(api.get("/races", params={"status": "approx.open"}), 400)["code"] == "PGRST100"
    assert error(api.get("/races", params={"no_such_column": "eq.1"}), 400)["code"] == "42703"
    assert error(api.get("/races", params={"race_id": "eq.not-a-uuid"}), 400)["code"] == "22P02"
    assert error(api.get("/races", params={"limit": "ten"}), 400)["code"] == "PGRST100"
    assert (
        error(api.get("/races", params={"limit": "-1"}), 416)["code"] == "PGRST103"
    )  # as PostgREST: a range
    assert error(api.get("/rpc/upcoming_races", params={"window_minutes": "0"}), 400)["code"] == "22023"
    assert (
        error(
            api.get("/rpc/race_navigation", params={"race_id": "00000000-0000-4000-8000-00000000dead"}), 404
        )["code"]
        == "PT404"
    )
    assert error(signed_in(api, "u").get("/rpc/reset_alert_configs"), 405)["code"] in ("25006", "PGRST101")
    assert (
        error(
            api.post(
                "/rpc/save_alert_configs", content=b"{not json", headers={"Content-Type": "application/json"}
            ),
            400,
        )["code"]
        == "PGRST102"
    )


HOSTILE = [
    "'; DROP TABLE raceday.meetings; --",
    '"); DELETE FROM raceday.races; --',
    "1) OR (1=1",
    "\\x27 OR 1=1",
    'race_id" , "name',
    "%27%3B",
    "日本語",
    "a" * 5000,
    "NULL",
    "*",
    "(a,b",
    "\x00",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_never_reach_sql(api, day, hostile):
    before = day.execute(
        "SELECT (SELECT count(*) FROM raceday.meetings), (SELECT count(*) FROM raceday.races)"
    ).fetchone()
    requests = [
        ("/races", {"name": f"eq.{hostile}"}),
        ("/races", {"status": f"in.({hostile},final)"}),
        ("/races", {"name": f"ilike.{hostile}"}),
        ("/races", {hostile: "eq.1"}),
        ("/races", {"name": hostile}),
        ("/races", {"select": hostile}),
        ("/races", {"order": hostile}),
        ("/races", {"limit": hostile}),
        ("/races", {"offset": hostile}),
        (f"/{quote(hostile, safe='')}", {}),
        (f"/rpc/{quote(hostile, safe='')}", {}),
        ("/rpc/alert_configs", {"user_id": hostile}),
        ("/rpc/upcoming_races", {"window_minutes": hostile}),
        ("/rpc/race_navigation", {"race_id": hostile}),
        ("/rpc/upcoming_races", {hostile: "1"}),
        ("/money_flow_timeline", {"created_at": f"gt.{hostile}"}),
    ]
    for path, params in requests:
        response = api.get(path, params=params)
        assert response.status_code < 500, (path, params, response.text)
        if response.status_code >= 400:
            assert set(response.json()) == ERROR_KEYS
    response = signed_in(api, hostile[:200]).post(
        "/rpc/save_alert_configs",
        json={"indicators": [{"display_order": 1, "percentage_range_min": 1, "color": hostile}]},
    )
    assert response.status_code == 400
    assert (
        day.execute(
            "SELECT (SELECT count(*) FROM raceday.meetings), (SELECT count(*) FROM raceday.races)"
        ).fetchone()
        == before
    )


def test_openapi_describes_every_endpoint(api, day):
    response = api.get("/")
    assert response.status_code == 200
    doc = response.json()
    paths = set(doc["paths"])
    # What the anonymous role may use (the document follows the requesting role); a
    # computed relationship (an unnamed row argument) is embedded, never called by name.
    views = {
        r
        for (r,) in day.execute(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'api'::regnamespace "
            "AND has_table_privilege('web_anon', oid, 'SELECT')"
        )
    }
    functions = {
        f
        for (f,) in day.execute(
            "SELECT proname::text FROM pg_proc WHERE pronamespace = 'api'::regnamespace "
            "AND has_function_privilege('web_anon', oid, 'EXECUTE') "
            "AND NOT ('' = ANY (coalesce(proargnames, '{}')) OR pronargs > "
            "coalesce(cardinality(proargnames), 0))"
        )
    }
    assert {f"/{v}" for v in views} | {f"/rpc/{f}" for f in functions} <= paths
    assert "time_interval" in doc["definitions"]["money_flow_timeline"]["properties"]


# -- the endpoints' plans -------------------------------------------------------

# Tables that grow with every poll: no endpoint may read one from end to end.
BIG = ("money_flow_history", "money_flow_latest", "odds_history", "raw_responses", "entrants", "poll_quality")


def plan_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def explain(day: psycopg.Connection, query: str, params: tuple = ()) -> list[dict]:
    """The executed plan of a query as web_anon runs it."""
    with day.transaction(force_rollback=True):
        day.execute("SET LOCAL ROLE web_anon")
        [[doc]] = day.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", params).fetchall()
    return list(plan_nodes(doc[0]["Plan"]))


def endpoint_queries(day: psycopg.Connection) -> dict[str, tuple[str, tuple]]:
    race, meeting = day.execute("""SELECT race_id, meeting_id FROM raceday.races r WHERE EXISTS
        (SELECT FROM raceday.money_flow_history h WHERE h.race_id = r.race_id) LIMIT 1""").fetchone()
    entrant, created = day.execute(
        "SELECT entrant_id, min(created_at) FROM raceday.money_flow_history "
        "WHERE race_id = %s GROUP BY 1 LIMIT 1",
        (race,),
    ).fetchone()
    return {
        "meetings": ("SELECT * FROM api.meetings ORDER BY first_race_time", ()),
        "races of a meeting": (
            "SELECT * FROM api.races WHERE meeting_id = %s ORDER BY race_number",
            (meeting,),
        ),
        "race header": ("SELECT * FROM api.races WHERE race_id = %s", (race,)),
        "navigation": ("SELECT * FROM api.race_navigation(%s)", (race,)),
        "upcoming": ("SELECT * FROM api.upcoming_races()", ()),
        "entrants": ("SELECT * FROM api.entrants WHERE race_id = %s ORDER BY runner_number", (race,)),
        "timeline": ("SELECT * FROM api.money_flow_timeline WHERE race_id = %s", (race,)),
        "timeline of a runner": (
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND entrant_id = %s",
            (race, entrant),
        ),
        "timeline, what is new": (
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND created_at > %s "
            "ORDER BY created_at, id",
            (race, created),
        ),
        "timeline, after an id": (
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND id > %s ORDER BY id LIMIT 50",
            (race, 0),
        ),
        "odds of a runner": ("SELECT * FROM api.odds_history WHERE entrant_id = %s", (entrant,)),
        "odds of a race": ("SELECT * FROM api.odds_history WHERE race_id = %s", (race,)),
        "pools": ("SELECT * FROM api.race_pools WHERE race_id = %s", (race,)),
        "results": ("SELECT * FROM api.race_results WHERE race_id = %s", (race,)),
        "pipeline status": ("SELECT * FROM api.pipeline_status WHERE race_id = %s", (race,)),
        "alerts of a race, coloured": ("SELECT * FROM api.race_alerts_for(%s)", (race,)),
    }


def test_every_endpoint_reads_by_index(day):
    day.execute("ANALYZE")
    # An empty partition (a day premade ahead) is read by a scan of nothing.
    empty = {
        r for (r,) in day.execute("SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relpages = 0")
    }
    for name, (query, params) in endpoint_queries(day).items():
        nodes = explain(day, query, params)
        scanned = [
            n
            for n in nodes
            if n["Node Type"] == "Seq Scan"
            and n.get("Relation Name", "").startswith(BIG)
            and n["Relation Name"] not in empty
        ]
        assert not scanned, f"{name}: sequential scan of {[n['Relation Name'] for n in scanned]}"


def test_history_endpoints_prune_partitions(day):
    partitions = day.execute(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'raceday.odds_history'::regclass"
    ).fetchone()[0]
    queries = endpoint_queries(day)
    for name in ("odds of a runner", "odds of a race"):
        nodes = explain(day, *queries[name])
        removed = sum(n.get("Subplans Removed", 0) for n in nodes)
        assert removed > 0, f"{name}: no partition pruned of {partitions}"
