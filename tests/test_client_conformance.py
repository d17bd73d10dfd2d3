"""The client's whole contract through the client library itself: every call
the README's API section documents and PostgREST's grammar the client may
use (embedding through foreign keys and computed relationships, or/and,
embedded order/limit/filters, !inner, spread, aliases, hints, Range, HEAD,
counts, CSV, single objects), made with @supabase/postgrest-js (pinned in
tests/client) against the API `make run` would serve, on a small simulated
day ingested by hand. Each answer is judged against the database."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from harness import ROOT, ApiServer, empty_database, ingest_meeting, lib_sh, user_token

NO_RACE = "00000000-0000-0000-0000-000000000000"
USER = "conformance-user"
QUOTED_NAME = "No, such) runner"
# A view exposing races' key twice: embedding it from entrants has two
# relationships through one foreign key, the case PostgREST answers with
# PGRST201 (and takes a column hint to choose).
# docs/client.md's upcoming races: what it answers moves with the clock (a
# race leaves it five minutes after its start), so it is read as the client
# runs, just before and just after.
UPCOMING = "SELECT * FROM api.upcoming_races(120, 5)"
RACE_LEGS = """CREATE VIEW api.race_legs AS SELECT race_id AS this_race, race_id AS same_race FROM raceday.races;
               GRANT SELECT ON api.race_legs TO web_anon"""


def node_modules() -> Path:
    """The client library's node_modules, where scripts/toolchain.sh put it."""
    return Path(lib_sh("NODE_DIR")) / "node_modules"


def seed(db: psycopg.Connection) -> dict:
    """Two meetings; the first three races of each polled twelve times, 100
    s apart, up to their results: runners, odds moves, money flow, pools,
    results and alerts, all through the ingest functions."""
    from tabsim.model import RacingDay
    from tabsim.payloads import event_json

    day = RacingDay(4, start=time.time() - 3000, form_size=3)
    for meeting in day.meetings[:2]:
        ingest_meeting(db, day, meeting, meeting.races[0].start - 3600)
        for race in meeting.races[:3]:
            for k in range(12):
                body = event_json(day, race, race.start - 900 + k * 100, {"with_money_tracker": "true"})
                db.execute(
                    "SELECT raceday.ingest_event(%s, %s, %s::timestamptz)",
                    (race.race_id, body, json.loads(body)["header"]["generated_time"]),
                )
    race = day.meetings[0].races[1]
    entrants = [
        r[0]
        for r in db.execute(
            "SELECT entrant_id::text FROM api.entrants WHERE race_id = %s ORDER BY entrant_id",
            (race.race_id,),
        )
    ]
    created = db.execute(
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at) FROM "
        "api.money_flow_timeline WHERE race_id = %s",
        (race.race_id,),
    ).fetchone()[0]
    return {
        "race_id": race.race_id,
        "meeting_id": day.meetings[0].meeting_id,
        "user_id": USER,
        "token": user_token(USER),
        "entrant_ids": entrants,
        "created_at": created.isoformat(),
        "quoted_name": QUOTED_NAME,
        "no_race": NO_RACE,
        "date": day.meetings[0].date,
        "last_id": db.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM api.money_flow_timeline WHERE race_id = %s",
            (race.race_id,),
        ).fetchone()[0],
    }


@pytest.fixture(scope="module")
def answers(database_url: str) -> Iterator[tuple[psycopg.Connection, dict, dict]]:
    modules = node_modules()
    assert (modules / "@supabase" / "postgrest-js").is_dir(), (
        f"run `make toolchain`: no client library in {modules}"
    )
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("SET TIME ZONE 'UTC'")
        empty_database(db)
        ids = seed(db)
        db.execute(RACE_LEGS)
        try:
            server = ApiServer(database_url)
            try:
                asked = db.execute("SELECT now()").fetchone()[0]
                upcoming_before = rows(db, UPCOMING)
                run = subprocess.run(
                    ["node", str(ROOT / "tests" / "client" / "conformance.cjs"), server.url, json.dumps(ids)],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    env={**os.environ, "NODE_PATH": str(modules)},
                )
                upcoming_after = rows(db, UPCOMING)
            finally:
                server.stop()
        finally:
            db.execute("DROP VIEW api.race_legs")
        assert run.returncode == 0, run.stderr
        yield (
            db,
            {**ids, "asked_at": asked, "upcoming": [upcoming_before, upcoming_after]},
            json.loads(run.stdout),
        )
        empty_database(db)  # pgTAP files that may run later expect empty tables


def rows(db: psycopg.Connection, query: str, *args) -> list:
    """A query's rows as the API's JSON would hold them."""
    return db.execute(f"SELECT coalesce(json_agg(t), '[]') FROM ({query}) t", args).fetchone()[0]


def ok(answers: tuple, name: str) -> dict:
    _, _, out = answers
    answer = out[name]
    assert "thrown" not in answer and answer["error"] is None and answer["status"] in (200, 206), (
        name,
        answer,
    )
    return answer


def failed(answers: tuple, name: str, status: int, code: str) -> dict:
    answer = answers[2][name]
    assert answer["status"] == status and answer["error"]["code"] == code, (name, answer)
    assert set(answer["error"]) == {"code", "message", "details", "hint"}
    return answer["error"]


# -- the README's calls ------------------------------------------------------


def test_documented_reads_answer_the_views(answers):
    db, ids, _ = answers
    race = ids["race_id"]
    expected = {
        "meetings": rows(db, "SELECT * FROM api.meetings ORDER BY first_race_time, meeting_id"),
        "races_of_meeting": rows(
            db, "SELECT * FROM api.races WHERE meeting_id = %s ORDER BY race_number", ids["meeting_id"]
        ),
        "entrants": rows(db, "SELECT * FROM api.entrants WHERE race_id = %s ORDER BY runner_number", race),
        "money_flow": rows(
            db,
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND entrant_id IN (%s, %s) "
            "ORDER BY entrant_id, time_interval DESC",
            race,
            *ids["entrant_ids"][:2],
        ),
        "money_flow_new": rows(
            db,
            "SELECT id, created_at FROM api.money_flow_timeline WHERE race_id = %s "
            "AND created_at > %s ORDER BY id",
            race,
            ids["created_at"],
        ),
        "odds_history": rows(
            db, "SELECT * FROM api.odds_history WHERE race_id = %s ORDER BY id LIMIT 20", race
        ),
        "race_pools": rows(db, "SELECT * FROM api.race_pools WHERE race_id = %s", race),
        "race_results": rows(db, "SELECT * FROM api.race_results WHERE race_id = %s", race),
        "race_alerts": rows(db, "SELECT * FROM api.race_alerts WHERE race_id = %s ORDER BY id", race),
    }
    for name, want in expected.items():
        assert want, f"the simulated day gives {name} nothing to compare"
        assert ok(answers, name)["data"] == want, name
    assert len(expected["money_flow"]) > len({r["entrant_id"] for r in expected["money_flow"]})
    status = ok(answers, "pipeline_status")["data"]
    assert [(s["race_id"], s["quality_score"]) for s in status] == [
        (r["race_id"], r["quality_score"])
        for r in rows(db, "SELECT * FROM api.pipeline_status WHERE race_id = %s", race)
    ]


def test_documented_functions(answers):
    db, ids, _ = answers
    upcoming = ok(answers, "upcoming_races")["data"]
    assert [r["race_id"] for r in upcoming] == [
        r["race_id"] for r in rows(db, "SELECT race_id FROM api.upcoming_races(1440, 240, 50)")
    ] and upcoming
    # The next open race when the client asked (a start may pass since).
    assert [r["race_id"] for r in ok(answers, "next_scheduled_race")["data"]] == [
        r["race_id"]
        for r in rows(
            db,
            "SELECT race_id FROM api.races WHERE start_time > %s AND status = 'open' "
            "ORDER BY start_time, race_id LIMIT 1",
            ids["asked_at"],
        )
    ]
    navigation = ok(answers, "race_navigation")["data"]
    assert [(n["previous_race"], n["next_race"]) for n in navigation] == [
        (n["previous_race"], n["next_race"])
        for n in rows(db, "SELECT * FROM api.race_navigation(%s)", ids["race_id"])
    ]
    assert navigation[0]["next_race"]["race_number"] == 3
    defaults = ok(answers, "alert_configs_of_user")["data"]
    assert [a["display_order"] for a in defaults] == [1, 2, 3, 4, 5, 6] and all(
        a["is_default"] for a in defaults
    )
    # Without a token, saving is refused as PostgREST refuses the anonymous role, and nothing changes.
    refused = answers[2]["anonymous_save_alert_configs"]
    assert refused["status"] == 401 and refused["error"]["code"] == "42501"
    saved = ok(answers, "save_alert_configs")["data"]
    assert (saved[5]["percentage_range_min"], saved[5]["color"], saved[5]["is_default"]) == (
        60,
        "#112233",
        False,
    )
    stored = ok(answers, "saved_alert_configs")["data"]
    assert [(a["display_order"], a["color"]) for a in stored][5] == (6, "#112233") and len(stored) == 6
    reset = ok(answers, "reset_alert_configs")["data"]
    assert [(a["percentage_range_min"], a["color"]) for a in reset] == [
        (a["percentage_range_min"], a["color"]) for a in defaults
    ]
    alerts = ok(answers, "race_alerts_for")["data"]
    assert [a["id"] for a in alerts] == [a["id"] for a in ok(answers, "race_alerts")["data"]] and alerts


# -- docs/client.md's requests -------------------------------------------------


def test_client_md_requests_answer_the_views(answers):
    """Each request docs/client.md gives the web client, as its snippet
    makes it, answers what the database holds."""
    db, ids, _ = answers
    race, meeting = ids["race_id"], ids["meeting_id"]
    expected = {
        "client_meetings_of_day": rows(
            db, "SELECT * FROM api.meetings WHERE date = %s ORDER BY first_race_time, meeting_id", ids["date"]
        ),
        "client_races_of_meeting": rows(
            db,
            "SELECT race_id, name, race_number, start_time, status, distance, track_condition, weather, "
            "field_size, entrant_count FROM api.races WHERE meeting_id = %s ORDER BY race_number",
            meeting,
        ),
        "client_entrants": rows(
            db, "SELECT * FROM api.entrants WHERE race_id = %s ORDER BY runner_number", race
        ),
        "client_timeline": rows(
            db,
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND entrant_id IN (%s, %s) ORDER BY id",
            race,
            *ids["entrant_ids"][:2],
        ),
        "client_timeline_since": rows(
            db,
            "SELECT * FROM api.money_flow_timeline WHERE race_id = %s AND id > %s ORDER BY id",
            race,
            ids["last_id"],
        ),
    }
    for name, want in expected.items():
        assert want, f"the simulated day gives {name} nothing to compare"
        assert ok(answers, name)["data"] == want, name
    # What the database held at one instant while the client ran: the same
    # before and after unless a race left the window meanwhile.
    assert all(ids["upcoming"]), "the simulated day gives client_upcoming nothing to compare"
    assert ok(answers, "client_upcoming")["data"] in ids["upcoming"], "client_upcoming"
    # The fields the client reads, filled (client_fields).
    meetings = expected["client_meetings_of_day"]
    assert all(
        m["weather"] and m["track_direction"] and m["track_surface"] and m["created_at"] for m in meetings
    )
    runners = expected["client_entrants"]
    assert all(e["last_twenty_starts"] and e["created_at"] for e in runners)
    assert all(e["weight_allocated"] for e in runners) or all(e["weight_allocated"] is None for e in runners)
    since = expected["client_timeline_since"]
    assert 0 < len(since) < len(rows(db, "SELECT id FROM api.money_flow_timeline WHERE race_id = %s", race))
    header = ok(answers, "client_race_header")["data"]
    [want] = rows(db, "SELECT * FROM api.races WHERE race_id = %s", race)
    [conditions] = rows(
        db,
        "SELECT weather, track_direction, track_surface, rail_position FROM api.meetings WHERE meeting_id = %s",
        meeting,
    )
    assert header == {**want, "meetings": conditions} and header["created_at"]
    for name, view in (("client_pools", "race_pools"), ("client_results", "race_results")):
        [want] = rows(db, f"SELECT * FROM api.{view} WHERE race_id = %s", race)
        assert ok(answers, name)["data"] == want, name
    assert ok(answers, "client_results")["data"]["created_at"]
    nxt = ok(answers, "client_next_scheduled")["data"]
    assert nxt is None or (nxt["status"] == "open" and "created_at" in nxt)
    navigation = ok(answers, "client_navigation")["data"]
    assert navigation["previous_race"]["race_number"] == 1 and navigation["next_race"]["race_number"] == 3
    indicators = ok(answers, "client_alerts_read")["data"]
    # Reset earlier in the run: the six defaults of DOMAIN.md §7.
    assert [(a["display_order"], a["color"]) for a in indicators] == list(
        enumerate(["#E5E7EB", "#BFDBFE", "#FEF3C7", "#FED7AA", "#FECACA", "#F3E8FF"], start=1)
    )
    refused = answers[2]["client_alerts_anonymous"]
    assert refused["status"] == 401 and refused["error"]["code"] == "42501"
    # Health: 200 while healthy or degraded, 503 when down; either way the
    # body carries the status (postgrest-js puts a 503's body in `error`).
    health = answers[2]["client_health"]
    body = health["data"] if health["status"] == 200 else health["error"]
    assert health["status"] in (200, 503) and body["status"] in ("healthy", "degraded", "down")
    assert (health["status"] == 503) == (body["status"] == "down")
    assert [c["name"] for c in body["checks"]] == [
        c["name"] for c in db.execute("SELECT api.health()").fetchone()[0]["checks"]
    ]


# -- the grammar ---------------------------------------------------------------


def test_each_runners_last_five_odds_moves(answers):
    """The acceptance request: one embed, ordered and limited per runner."""
    db, ids, _ = answers
    data = ok(answers, "last_five_odds")["data"]
    runners = rows(db, "SELECT * FROM api.entrants WHERE race_id = %s ORDER BY runner_number", ids["race_id"])
    assert [{k: v for k, v in r.items() if k != "odds_history"} for r in data] == runners
    for runner in data:
        # Moves of one poll share a timestamp (one per odds type): the five
        # latest timestamps are determined, which of the tied types fill the
        # fifth place is not.
        history = rows(
            db,
            "SELECT odds, odds_type, event_timestamp FROM api.odds_history WHERE entrant_id = %s "
            "ORDER BY event_timestamp DESC",
            runner["entrant_id"],
        )
        got = runner["odds_history"]
        assert len(history) > 5 and [o["event_timestamp"] for o in got] == [
            o["event_timestamp"] for o in history[:5]
        ]
        kept = [o for o in history if o["event_timestamp"] >= history[4]["event_timestamp"]]
        assert all(o in kept for o in got) and len({(o["odds_type"], o["event_timestamp"]) for o in got}) == 5


def test_logic_trees(answers):
    db, ids, _ = answers
    assert ok(answers, "or_nested_not")["data"] == rows(
        db,
        "SELECT race_id, status, race_number FROM api.races WHERE status = 'open' "
        "OR (race_number > 3 AND NOT status = 'closed') ORDER BY race_id",
    )
    assert ok(answers, "or_not_and")["data"] == rows(
        db,
        "SELECT race_id FROM api.races WHERE race_number = 1 "
        "OR NOT (race_number <= 4 AND meeting_id = %s) ORDER BY race_id",
        ids["meeting_id"],
    )
    assert ok(answers, "and_in_quoted")["data"] == rows(
        db,
        "SELECT entrant_id FROM api.entrants WHERE (race_id = %s AND runner_number IN (1, 2, 3)) "
        "OR name = %s ORDER BY entrant_id",
        ids["race_id"],
        QUOTED_NAME,
    )
    assert [e["runner_number"] for e in ok(answers, "embedded_or")["data"][0]["entrants"]] == [
        r["runner_number"]
        for r in rows(
            db,
            "SELECT runner_number FROM api.entrants WHERE race_id = %s AND "
            "(runner_number < 3 OR runner_number > 8) ORDER BY 1",
            ids["race_id"],
        )
    ]


def test_embedded_order_limit_offset_and_filters(answers):
    db, ids, _ = answers
    numbers = [
        r["runner_number"]
        for r in rows(
            db, "SELECT runner_number FROM api.entrants WHERE race_id = %s ORDER BY 1", ids["race_id"]
        )
    ]
    assert [e["runner_number"] for e in ok(answers, "embedded_range")["data"][0]["entrants"]] == numbers[1:4]
    assert [e["runner_number"] for e in ok(answers, "embedded_filter")["data"][0]["entrants"]] == [
        n for n in numbers if n >= 4
    ]
    [meeting] = ok(answers, "two_levels")["data"]
    races = rows(
        db,
        "SELECT race_id, race_number FROM api.races WHERE meeting_id = %s ORDER BY race_number LIMIT 2",
        ids["meeting_id"],
    )
    assert [r["race_number"] for r in meeting["races"]] == [r["race_number"] for r in races]
    for got, race in zip(meeting["races"], races, strict=True):
        assert [e["runner_number"] for e in got["entrants"]] == [
            r["runner_number"]
            for r in rows(
                db,
                "SELECT runner_number FROM api.entrants WHERE race_id = %s ORDER BY 1 DESC LIMIT 3",
                race["race_id"],
            )
        ]


def test_to_one_embeds_spread_aliases_and_hints(answers):
    db, ids, _ = answers
    race = rows(
        db,
        "SELECT r.race_id, r.name, m.meeting_name, m.country FROM api.races r "
        "JOIN api.meetings m USING (meeting_id) WHERE race_id = %s",
        ids["race_id"],
    )[0]
    for runner in ok(answers, "many_to_one")["data"]:
        assert runner["races"] == {
            "race_id": race["race_id"],
            "name": race["name"],
            "meetings": {"meeting_name": race["meeting_name"]},
        }
    pools = {
        r["race_id"]: r
        for r in rows(
            db,
            "SELECT r.race_id, p.win_pool_total, x.result_status FROM api.races r "
            "LEFT JOIN api.race_pools p USING (race_id) "
            "LEFT JOIN api.race_results x USING (race_id) WHERE r.meeting_id = %s",
            ids["meeting_id"],
        )
    }
    one = ok(answers, "one_to_one")["data"]
    assert {r["race_id"] for r in one} == set(pools) and any(r["race_pools"] is None for r in one)
    for r in one:
        want = pools[r["race_id"]]
        assert r["race_pools"] == (
            None if want["win_pool_total"] is None else {"win_pool_total": want["win_pool_total"]}
        )
        assert r["race_results"] == (
            None if want["result_status"] is None else {"result_status": want["result_status"]}
        )
    assert ok(answers, "spread")["data"] == rows(
        db,
        "SELECT r.race_id, m.meeting_name, m.country FROM api.races r JOIN api.meetings m USING (meeting_id) "
        "WHERE meeting_id = %s ORDER BY race_id",
        ids["meeting_id"],
    )
    [aliased] = ok(answers, "aliases")["data"]
    assert aliased["id"] == ids["race_id"] and [r["number"] for r in aliased["runners"]] == [
        r["runner_number"]
        for r in rows(
            db, "SELECT runner_number FROM api.entrants WHERE race_id = %s ORDER BY 1", ids["race_id"]
        )
    ]
    assert {r["race"]["race_id"] for r in ok(answers, "hint")["data"]} == {ids["race_id"]}
    flows = ok(answers, "computed_money_flow")["data"]
    for runner in flows:
        assert [f["time_interval"] for f in runner["money_flow_timeline"]] == [
            r["time_interval"]
            for r in rows(
                db,
                "SELECT time_interval FROM api.money_flow_timeline WHERE entrant_id = %s ORDER BY 1",
                runner["entrant_id"],
            )
        ]
    assert any(runner["money_flow_timeline"] for runner in flows)


def test_inner_joins_and_null_embed_filters(answers):
    db, _, _ = answers
    polled = rows(db, "SELECT DISTINCT race_id FROM api.entrants ORDER BY race_id")
    assert 0 < len(polled) < len(rows(db, "SELECT race_id FROM api.races"))
    inner = ok(answers, "inner_join")["data"]
    assert [r["race_id"] for r in inner] == [r["race_id"] for r in polled]
    assert all(r["entrants"] == [{"runner_number": 1}] for r in inner)
    assert [r["race_id"] for r in ok(answers, "embed_not_null")["data"]] == [r["race_id"] for r in polled]


def test_relationship_errors_in_postgrest_shape(answers):
    error = failed(answers, "no_relationship", 400, "PGRST200")
    assert (
        error["message"]
        == "Could not find a relationship between 'entrants' and 'nonesuch' in the schema cache"
    )
    error = failed(answers, "ambiguous", 300, "PGRST201")
    assert (
        error["message"]
        == "Could not embed because more than one relationship was found for 'entrants' and 'race_legs'"
    )
    assert [d["relationship"] for d in error["details"]] == [
        "entrants_race_id_fkey using entrants(race_id) and race_legs(this_race)",
        "entrants_race_id_fkey using entrants(race_id) and race_legs(same_race)",
    ]
    assert {d["cardinality"] for d in error["details"]} == {"many-to-one"}
    assert all(
        r["race_legs"] == {"this_race": r["race_legs"]["this_race"]}
        for r in ok(answers, "disambiguated")["data"]
    )
    error = failed(answers, "not_embedded", 400, "PGRST108")
    assert error["message"] == "'entrants' is not an embedded resource in this request"


def test_counts_ranges_head_csv_and_single(answers):
    db, ids, out = answers
    total = rows(db, "SELECT count(*) AS n FROM api.entrants")[0]["n"]
    ordered = [r["entrant_id"] for r in rows(db, "SELECT entrant_id FROM api.entrants ORDER BY 1")]
    exact = ok(answers, "count_exact")
    assert (exact["count"], exact["status"], [r["entrant_id"] for r in exact["data"]]) == (
        total,
        206,
        ordered[:3],
    )
    for name in ("count_planned", "count_estimated"):
        answer = ok(answers, name)
        assert isinstance(answer["count"], int) and answer["count"] > 0 and len(answer["data"]) == 3
    head = ok(answers, "head_count")
    runners = len(rows(db, "SELECT 1 FROM api.entrants WHERE race_id = %s", ids["race_id"]))
    assert head["data"] is None and head["count"] == runners
    assert [r["entrant_id"] for r in ok(answers, "range")["data"]] == ordered[2:5]
    ranged = ok(answers, "range_header")
    assert [r["entrant_id"] for r in ranged["data"]] == ordered[2:5] and (
        ranged["count"],
        ranged["status"],
    ) == (total, 206)
    assert (
        out["raw_range_206"]["status"] == 206
        and out["raw_range_206"]["headers"]["content-range"] == f"0-1/{total}"
    )
    assert out["raw_range_open"]["headers"]["content-range"] == f"3-{total - 1}/*"
    assert out["raw_range_and_limit"]["headers"]["content-range"] == "1-2/*"
    assert json.loads(out["raw_range_and_limit"]["body"]) == [{"entrant_id": e} for e in ordered[1:3]]
    backwards = out["raw_range_backwards"]
    assert backwards["status"] == 416 and json.loads(backwards["body"])["code"] == "PGRST103"
    past = out["raw_offset_past_end"]
    assert (past["status"], past["headers"]["content-range"]) == (416, f"*/{total}")
    assert (
        json.loads(past["body"])["details"]
        == f"An offset of 100000 was requested, but there are only {total} rows."
    )
    assert out["raw_head"]["status"] == 200 and out["raw_head"]["body"] == ""
    assert out["raw_head"]["headers"]["content-range"] == f"0-{runners - 1}/{runners}"
    races = rows(
        db,
        "SELECT race_id, race_number, name FROM api.races WHERE meeting_id = %s ORDER BY race_number",
        ids["meeting_id"],
    )
    assert ok(answers, "csv")["data"] == "race_id,race_number,name\n" + "\n".join(
        f'{r["race_id"]},{r["race_number"]},"{r["name"]}"'
        if " " in r["name"]
        else f"{r['race_id']},{r['race_number']},{r['name']}"
        for r in races
    )
    assert out["raw_csv"]["headers"]["content-type"] == "text/csv; charset=utf-8"
    assert (
        out["raw_unacceptable"]["status"] == 406
        and json.loads(out["raw_unacceptable"]["body"])["code"] == "PGRST107"
    )
    assert ok(answers, "single")["data"]["race_id"] == ids["race_id"]
    failed(answers, "single_of_many", 406, "PGRST116")
    assert ok(answers, "maybe_single_of_none")["data"] is None
