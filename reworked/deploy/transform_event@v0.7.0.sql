-- Deploy raceday:transform_event to pg
-- requires: transform_event@v0.6.0 event_runners event_money event_pools transform_race transform_runners
-- requires: transform_pools transform_results transform_odds transform_money_flow transform_quality
-- Why: one event poll becomes everything the client reads (DOMAIN.md §2-§5).
-- This function reads the stored document once and hands each part what it
-- needs, in this order; each part is one function, one table:
--   event_runners, event_money, event_pools  read the runners (slim), the
--                        summed money tracker and the pools by product
--   transform_race       the race (and its meeting, if new)
--   transform_runners    entrants: current odds and money
--   transform_pools      race_pools, in cents
--   transform_results    race_results, once interim or final
--   (the NZ day's history partitions, if a replay reaches past those made)
--   transform_odds       odds_history: the moves of more than 0.01
--   transform_money_flow money_flow_history: while open, and the first
--                        poll that sees the race closed
--   transform_quality    poll_quality: the poll's facts, last
-- Observation time is TAB's generated_time, else the receive time; history
-- rows are keyed on it, so a poll transformed twice never writes twice.
--
-- Triggers fire inside this sequence, on the tables the parts write:
--   money_flow_history, AFTER INSERT, FOR EACH STATEMENT, as the money-flow
--   insert ends. Triggers of one event fire in the order of their names
--   (byte order), so:
--     1. money_flow_latest_insert  the latest row of each bucket
--     2. race_alerts_detect        the alerts, which read those latest rows
--   poll_quality, BEFORE INSERT, FOR EACH ROW: score_poll_quality scores the
--   facts and counts the poll's negative increments in money_flow_history,
--   which is why the quality part runs after the money flow.
--   races, entrants, race_pools, race_results, meetings: touch_updated_at
--   (BEFORE UPDATE, FOR EACH ROW) moves updated_at on a real change.
-- tests/pgtap/test_transform_triggers.sql pins those names and this order.
--
-- Reworked: split into its parts, from one body of 300 lines that had to be
-- read whole to follow one table. The statements are those of that body,
-- still set-based, each in its part; the parts run on generic plans as the
-- body did (a custom plan over the daily history partitions cost more to
-- plan than to run). The previous status is now read by the money flow,
-- the only part that needs it, and only for a closed race. The ingest
-- hands over the document it parsed; a reprocess passes none, and the
-- stored text is parsed here.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- doc, when given, must be the stored document of staging_id.
CREATE OR REPLACE FUNCTION raceday.transform_event(staging_id bigint, doc jsonb DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    src         record;
    race        jsonb;
    race_uuid   uuid;
    new_status  text;
    start_at    timestamptz;
    runners     jsonb;
    money       jsonb;
    pools       jsonb;
    win_total   numeric;
    place_total numeric;
    day         date;
BEGIN
    -- coalesce() reads, and parses, the stored text only without doc.
    SELECT r.target, coalesce(doc, r.body::jsonb) -> 'data' AS data, coalesce(r.generated_at, r.received_at) AS observed,
           r.received_at
    INTO src FROM staging.raw_responses r WHERE r.id = staging_id;
    race := src.data -> 'race';
    runners := raceday.event_runners(src.data -> 'runners');
    IF jsonb_typeof(race) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'event response % has no data.race object', staging_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF race ->> 'event_id' IS DISTINCT FROM src.target THEN
        RAISE EXCEPTION 'event response % is for race %, polled as %', staging_id, race ->> 'event_id', src.target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    race_uuid := src.target::uuid;
    new_status := lower(race ->> 'status');
    start_at := coalesce(
        to_timestamp(nullif((race ->> 'advertised_start')::bigint, 0)),
        ((race ->> 'race_date_nz') || ' ' || split_part(race ->> 'start_time_nz', ' ', 1))::timestamp
            AT TIME ZONE 'Pacific/Auckland');
    IF start_at IS NULL THEN
        RAISE EXCEPTION 'event response % has no start time', staging_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    money := raceday.event_money(src.data #> '{money_tracker,entrants}');
    pools := raceday.event_pools(src.data -> 'tote_pools', src.data -> 'dividends');
    win_total := (pools ->> 'win')::numeric;
    place_total := (pools ->> 'place')::numeric;

    -- One transform of a race at a time (a live poll and a reprocess).
    PERFORM FROM raceday.races r WHERE r.race_id = race_uuid FOR UPDATE;

    PERFORM raceday.transform_race(race_uuid, src.observed, race, start_at, new_status);
    PERFORM raceday.transform_runners(race_uuid, runners, money, win_total, place_total);
    PERFORM raceday.transform_pools(race_uuid, src.observed, pools);
    PERFORM raceday.transform_results(race_uuid, src.observed, new_status, src.data -> 'results',
                                      src.data -> 'dividends', runners);
    day := nz_racing_day(src.observed);
    IF to_regclass('raceday.money_flow_history_' || to_char(day, 'YYYYMMDD')) IS NULL
       OR to_regclass('raceday.odds_history_' || to_char(day, 'YYYYMMDD')) IS NULL THEN
        PERFORM raceday.ensure_history_partitions(day, day);
    END IF;
    PERFORM raceday.transform_odds(staging_id, race_uuid, src.observed, runners);
    PERFORM raceday.transform_money_flow(staging_id, race_uuid, src.observed, src.received_at, start_at, new_status,
                                         runners, money, win_total, place_total);
    PERFORM raceday.transform_quality(staging_id, race_uuid, src.observed, new_status, runners, money, win_total,
                                      place_total);
END
$$;
COMMENT ON FUNCTION raceday.transform_event(bigint, jsonb) IS
    'Turns one stored event response (doc: its document, if the caller has it) into races, entrants, pools, '
    'results, odds and money-flow history, and its quality record.';

COMMIT;
