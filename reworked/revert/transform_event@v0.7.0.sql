-- Revert raceday:transform_event from pg: the version of transform_event@v0.6.0,
-- one body of every statement, as it was (same signature, so replaced in
-- place: its privileges and comment stay). The parts are dropped by the
-- reverts of their own changes, which come after this one.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- doc, when given, must be the stored document of staging_id.
CREATE OR REPLACE FUNCTION raceday.transform_event(staging_id bigint, doc jsonb DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    src          record;
    data         jsonb;
    race         jsonb;
    race_uuid    uuid;
    observed     timestamptz;
    start_at     timestamptz;
    new_status   text;
    old_status   text;
    money        jsonb;        -- entrant_id -> {hold, bet}: the summed money-tracker entries
    pools        jsonb;        -- product -> dollars
    win_total    numeric;
    place_total  numeric;
    minutes      numeric;
    bucket       numeric;
    runners      jsonb;        -- data.runners, only the fields read below
BEGIN
    -- coalesce() reads, and parses, the stored text only without doc.
    SELECT r.target, coalesce(doc, r.body::jsonb) -> 'data' AS data, coalesce(r.generated_at, r.received_at) AS observed,
           r.received_at
    INTO src FROM staging.raw_responses r WHERE r.id = staging_id;
    data := src.data;
    race := data -> 'race';
    runners := data -> 'runners';
    runners := CASE WHEN jsonb_typeof(runners) = 'array' THEN (
        SELECT coalesce(jsonb_agg(jsonb_strip_nulls(
            jsonb_build_object('entrant_id', e -> 'entrant_id', 'name', e -> 'name',
                'runner_number', e -> 'runner_number', 'barrier', e -> 'barrier', 'jockey', e -> 'jockey',
                'trainer_name', e -> 'trainer_name', 'silk_colours', e -> 'silk_colours',
                'silk_url_64x64', e -> 'silk_url_64x64', 'silk_url_128x128', e -> 'silk_url_128x128',
                'is_scratched', e -> 'is_scratched', 'is_late_scratched', e -> 'is_late_scratched',
                'scratch_time', e -> 'scratch_time', 'is_emergency', e -> 'is_emergency',
                'favourite', e -> 'favourite', 'mover', e -> 'mover', 'odds', e -> 'odds')) ORDER BY n), '[]')
        FROM jsonb_array_elements(runners) WITH ORDINALITY AS r(e, n)) END;
    observed := src.observed;
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

    -- Summed money tracker; pools by product (tote_pools, else the largest
    -- dividend pool_size per product, as on some Final races).
    SELECT jsonb_object_agg(entrant_id, jsonb_build_object('hold', hold, 'bet', bet))
    INTO money
    FROM (SELECT e ->> 'entrant_id' AS entrant_id, sum((e ->> 'hold_percentage')::numeric) AS hold,
                 sum((e ->> 'bet_percentage')::numeric) AS bet
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(data #> '{money_tracker,entrants}') = 'array'
                                         THEN data #> '{money_tracker,entrants}' END) AS e
          GROUP BY 1) m;
    SELECT jsonb_object_agg(product, dollars) INTO pools
    FROM (SELECT CASE WHEN p IN ('first4', 'firstfour') THEN 'first4' ELSE p END AS product, max(dollars) AS dollars
          FROM (SELECT lower(regexp_replace(tp ->> 'product_type', '[^A-Za-z0-9]', '', 'g')) AS p,
                       (tp ->> 'total')::numeric AS dollars
                FROM jsonb_array_elements(CASE WHEN jsonb_typeof(data -> 'tote_pools') = 'array'
                                               AND jsonb_array_length(data -> 'tote_pools') > 0
                                               THEN data -> 'tote_pools' END) AS tp
                UNION ALL
                SELECT lower(regexp_replace(regexp_replace(d ->> 'product_name', '^\s*pool\s+', '', 'i'),
                                            '[^A-Za-z0-9]', '', 'g')),
                       (d ->> 'pool_size')::numeric
                FROM jsonb_array_elements(CASE WHEN (jsonb_typeof(data -> 'tote_pools') IS DISTINCT FROM 'array'
                                                     OR jsonb_array_length(data -> 'tote_pools') = 0)
                                                    AND jsonb_typeof(data -> 'dividends') = 'array'
                                               THEN data -> 'dividends' END) AS d) x
          WHERE p IS NOT NULL AND dollars IS NOT NULL
          GROUP BY 1) y;
    win_total := (pools ->> 'win')::numeric;
    place_total := (pools ->> 'place')::numeric;

    -- The meeting, if the meetings list never showed it.
    INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
    SELECT (race ->> 'meeting_id')::uuid, race ->> 'meeting_name', race ->> 'country', race ->> 'type',
           (race ->> 'race_date_nz')::date
    WHERE NOT EXISTS (SELECT FROM raceday.meetings m WHERE m.meeting_id = (race ->> 'meeting_id')::uuid)
    ON CONFLICT (meeting_id) DO NOTHING;

    -- One transform of a race at a time (a live poll and a reprocess).
    PERFORM FROM raceday.races r WHERE r.race_id = race_uuid FOR UPDATE;
    -- The status the previous event poll saw: event polls only (not the
    -- meetings list), so a replay of the same polls decides the same.
    SELECT q.status INTO old_status FROM raceday.poll_quality q
    WHERE q.race_id = race_uuid AND q.observed_at < observed
    ORDER BY q.observed_at DESC LIMIT 1;

    INSERT INTO raceday.races AS t (race_id, meeting_id, name, race_number, start_time, actual_start, status, distance,
                                    track_condition, weather, type, field_size, entrant_count, positions_paid, silk_url,
                                    race_date_nz, start_time_nz, last_status_change, finalized_at, abandoned_at,
                                    last_poll_time)
    VALUES (race_uuid, (race ->> 'meeting_id')::uuid, race ->> 'description', (race ->> 'race_number')::integer,
            start_at, to_timestamp(nullif((race ->> 'actual_start')::bigint, 0)), new_status,
            (race ->> 'distance')::integer, nullif(race ->> 'track_condition', ''), nullif(race ->> 'weather', ''),
            race ->> 'type', (race ->> 'field_size')::integer, (race ->> 'entrant_count')::integer,
            (race ->> 'positions_paid')::integer, nullif(race ->> 'silk_url', ''), (race ->> 'race_date_nz')::date,
            race ->> 'start_time_nz', observed,
            CASE WHEN new_status = 'final' THEN observed END, CASE WHEN new_status = 'abandoned' THEN observed END,
            observed)
    ON CONFLICT (race_id) DO UPDATE
        SET name = excluded.name, race_number = excluded.race_number, start_time = excluded.start_time,
            actual_start = coalesce(excluded.actual_start, t.actual_start), status = excluded.status,
            distance = excluded.distance, track_condition = excluded.track_condition, weather = excluded.weather,
            type = excluded.type, field_size = excluded.field_size, entrant_count = excluded.entrant_count,
            positions_paid = excluded.positions_paid, silk_url = excluded.silk_url,
            race_date_nz = excluded.race_date_nz, start_time_nz = excluded.start_time_nz,
            last_status_change = CASE WHEN t.status IS DISTINCT FROM excluded.status THEN observed
                                      ELSE t.last_status_change END,
            finalized_at = CASE WHEN excluded.status = 'final' THEN coalesce(t.finalized_at, observed) END,
            abandoned_at = CASE WHEN excluded.status = 'abandoned' THEN coalesce(t.abandoned_at, observed) END,
            last_poll_time = greatest(t.last_poll_time, observed);

    -- Runners, with their current odds (0 or missing: null) and money.
    INSERT INTO raceday.entrants AS t (entrant_id, race_id, name, runner_number, barrier, jockey, trainer_name,
                                       silk_colours, silk_url_64x64, silk_url_128x128, is_scratched, is_late_scratched,
                                       scratch_time, is_emergency, favourite, mover, fixed_win_odds, fixed_place_odds,
                                       pool_win_odds, pool_place_odds, hold_percentage, bet_percentage,
                                       win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage)
    SELECT x.entrant_id, race_uuid, x.name, x.runner_number, x.barrier #>> '{}', x.jockey, x.trainer_name,
           x.silk_colours, x.silk_url_64x64, x.silk_url_128x128, coalesce(x.is_scratched, false),
           coalesce(x.is_late_scratched, false), to_timestamp(nullif(x.scratch_time, 0)),
           coalesce(x.is_emergency, false), coalesce(x.favourite, false), coalesce(x.mover, false),
           nullif((x.odds ->> 'fixed_win')::numeric, 0), nullif((x.odds ->> 'fixed_place')::numeric, 0),
           nullif((x.odds ->> 'pool_win')::numeric, 0), nullif((x.odds ->> 'pool_place')::numeric, 0),
           m.hold, m.bet, raceday.pool_cents(win_total, m.hold), raceday.pool_cents(place_total, m.hold),
           round(raceday.pool_cents(win_total, m.hold) / nullif(win_total, 0), 2),
           round(raceday.pool_cents(place_total, m.hold) / nullif(place_total, 0), 2)
    FROM jsonb_to_recordset(runners) AS x(
             entrant_id uuid, name text, runner_number integer, barrier jsonb, jockey text, trainer_name text,
             silk_colours text, silk_url_64x64 text, silk_url_128x128 text, is_scratched boolean,
             is_late_scratched boolean, scratch_time bigint, is_emergency boolean, favourite boolean, mover boolean,
             odds jsonb)
    LEFT JOIN LATERAL (SELECT (money -> x.entrant_id::text ->> 'hold')::numeric AS hold,
                              (money -> x.entrant_id::text ->> 'bet')::numeric AS bet) m ON true
    ON CONFLICT (entrant_id) DO UPDATE
        SET name = excluded.name, runner_number = excluded.runner_number, barrier = excluded.barrier,
            jockey = excluded.jockey, trainer_name = excluded.trainer_name, silk_colours = excluded.silk_colours,
            silk_url_64x64 = excluded.silk_url_64x64, silk_url_128x128 = excluded.silk_url_128x128,
            is_scratched = excluded.is_scratched, is_late_scratched = excluded.is_late_scratched,
            scratch_time = excluded.scratch_time, is_emergency = excluded.is_emergency,
            favourite = excluded.favourite, mover = excluded.mover, fixed_win_odds = excluded.fixed_win_odds,
            fixed_place_odds = excluded.fixed_place_odds, pool_win_odds = excluded.pool_win_odds,
            pool_place_odds = excluded.pool_place_odds, hold_percentage = excluded.hold_percentage,
            bet_percentage = excluded.bet_percentage, win_pool_amount = excluded.win_pool_amount,
            place_pool_amount = excluded.place_pool_amount, win_pool_percentage = excluded.win_pool_percentage,
            place_pool_percentage = excluded.place_pool_percentage
        WHERE t.race_id = excluded.race_id
          AND (t.name, t.runner_number, t.barrier, t.jockey, t.trainer_name, t.silk_colours, t.silk_url_64x64,
               t.silk_url_128x128, t.is_scratched, t.is_late_scratched, t.scratch_time, t.is_emergency, t.favourite,
               t.mover, t.fixed_win_odds, t.fixed_place_odds, t.pool_win_odds, t.pool_place_odds, t.hold_percentage,
               t.bet_percentage, t.win_pool_amount, t.place_pool_amount, t.win_pool_percentage,
               t.place_pool_percentage)
              IS DISTINCT FROM
              (excluded.name, excluded.runner_number, excluded.barrier, excluded.jockey, excluded.trainer_name,
               excluded.silk_colours, excluded.silk_url_64x64, excluded.silk_url_128x128, excluded.is_scratched,
               excluded.is_late_scratched, excluded.scratch_time, excluded.is_emergency, excluded.favourite,
               excluded.mover, excluded.fixed_win_odds, excluded.fixed_place_odds, excluded.pool_win_odds,
               excluded.pool_place_odds, excluded.hold_percentage, excluded.bet_percentage,
               excluded.win_pool_amount, excluded.place_pool_amount, excluded.win_pool_percentage,
               excluded.place_pool_percentage);

    IF pools IS NOT NULL THEN
        INSERT INTO raceday.race_pools AS t (race_id, win_pool_total, place_pool_total, quinella_pool_total,
                                             trifecta_pool_total, exacta_pool_total, first4_pool_total,
                                             total_race_pool, last_updated)
        SELECT race_uuid, coalesce(round(win_total * 100), 0), coalesce(round(place_total * 100), 0),
               coalesce(round((pools ->> 'quinella')::numeric * 100), 0),
               coalesce(round((pools ->> 'trifecta')::numeric * 100), 0),
               coalesce(round((pools ->> 'exacta')::numeric * 100), 0),
               coalesce(round((pools ->> 'first4')::numeric * 100), 0),
               (SELECT coalesce(sum(round(value::numeric * 100)), 0) FROM jsonb_each_text(pools)),
               observed
        ON CONFLICT (race_id) DO UPDATE
            SET win_pool_total = excluded.win_pool_total, place_pool_total = excluded.place_pool_total,
                quinella_pool_total = excluded.quinella_pool_total, trifecta_pool_total = excluded.trifecta_pool_total,
                exacta_pool_total = excluded.exacta_pool_total, first4_pool_total = excluded.first4_pool_total,
                total_race_pool = excluded.total_race_pool, last_updated = excluded.last_updated
            WHERE t.last_updated <= excluded.last_updated
              AND (t.win_pool_total, t.place_pool_total, t.quinella_pool_total, t.trifecta_pool_total,
                   t.exacta_pool_total, t.first4_pool_total, t.total_race_pool)
                  IS DISTINCT FROM
                  (excluded.win_pool_total, excluded.place_pool_total, excluded.quinella_pool_total,
                   excluded.trifecta_pool_total, excluded.exacta_pool_total, excluded.first4_pool_total,
                   excluded.total_race_pool);
    END IF;

    IF jsonb_typeof(data -> 'results') = 'array' AND jsonb_array_length(data -> 'results') > 0
       AND new_status IN ('interim', 'final') THEN
        INSERT INTO raceday.race_results AS t (race_id, results_data, dividends_data, fixed_odds_data, result_status,
                                               results_available, photo_finish, stewards_inquiry, protest_lodged,
                                               result_time)
        SELECT race_uuid, data -> 'results', coalesce(data -> 'dividends', '[]'),
               coalesce((SELECT jsonb_object_agg(x ->> 'runner_number',
                                                 jsonb_build_object('fixed_win', x #> '{odds,fixed_win}',
                                                                    'fixed_place', x #> '{odds,fixed_place}'))
                         FROM jsonb_array_elements(runners) x WHERE x ? 'runner_number'), '{}'),
               new_status, true,
               EXISTS (SELECT FROM jsonb_array_elements(data -> 'dividends') d WHERE d ->> 'status' ILIKE '%photo%'),
               EXISTS (SELECT FROM jsonb_array_elements(data -> 'dividends') d WHERE d ->> 'status' ILIKE '%inquiry%'),
               EXISTS (SELECT FROM jsonb_array_elements(data -> 'dividends') d WHERE d ->> 'status' ILIKE '%protest%'),
               observed
        ON CONFLICT (race_id) DO UPDATE
            SET results_data = excluded.results_data, dividends_data = excluded.dividends_data,
                fixed_odds_data = excluded.fixed_odds_data, result_status = excluded.result_status,
                results_available = excluded.results_available, photo_finish = excluded.photo_finish,
                stewards_inquiry = excluded.stewards_inquiry, protest_lodged = excluded.protest_lodged,
                result_time = excluded.result_time
            WHERE t.result_time <= excluded.result_time
              AND (t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.photo_finish,
                   t.stewards_inquiry, t.protest_lodged)
                  IS DISTINCT FROM
                  (excluded.results_data, excluded.dividends_data, excluded.fixed_odds_data, excluded.result_status,
                   excluded.photo_finish, excluded.stewards_inquiry, excluded.protest_lodged);
    END IF;

    -- History goes to the observation's NZ day: make it if a replay reaches
    -- back (or forward) past the partitions made ahead.
    IF to_regclass('raceday.money_flow_history_' || to_char(nz_racing_day(observed), 'YYYYMMDD')) IS NULL
       OR to_regclass('raceday.odds_history_' || to_char(nz_racing_day(observed), 'YYYYMMDD')) IS NULL THEN
        PERFORM raceday.ensure_history_partitions(nz_racing_day(observed), nz_racing_day(observed));
    END IF;

    -- Odds moves of more than 0.01 against the runner's previous stored value.
    INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
    SELECT race_uuid, o.entrant_id, transform_event.staging_id, o.odds_type, round(o.value, 2), observed
    FROM (SELECT x.entrant_id, k.odds_type, (x.odds ->> k.odds_type)::numeric AS value
          FROM jsonb_to_recordset(runners)
                   AS x(entrant_id uuid, odds jsonb)
          CROSS JOIN unnest(ARRAY['fixed_win', 'fixed_place', 'pool_win', 'pool_place']) AS k(odds_type)) o
    LEFT JOIN LATERAL (SELECT h.odds FROM raceday.odds_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = o.entrant_id AND h.odds_type = o.odds_type
                         AND h.event_timestamp < observed
                       ORDER BY h.event_timestamp DESC LIMIT 1) last ON true
    WHERE o.value > 0 AND (last.odds IS NULL OR abs(o.value - last.odds) > 0.01)
    ON CONFLICT (entrant_id, odds_type, event_timestamp) DO NOTHING;

    -- Money flow: while open, plus the first poll that sees the race closed.
    IF money IS NOT NULL
       AND (new_status = 'open' OR new_status = 'closed' AND coalesce(old_status, 'open') = 'open') THEN
        minutes := round(extract(epoch FROM start_at - observed) / 60, 3);
        bucket := raceday.time_bucket(minutes);
        INSERT INTO raceday.money_flow_history (
            race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type, hold_percentage,
            bet_percentage, win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage,
            incremental_win_amount, incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds,
            pool_win_odds, pool_place_odds, event_timestamp, polling_timestamp)
        SELECT race_uuid, f.entrant_id, transform_event.staging_id, bucket, minutes, raceday.interval_type(minutes),
               f.hold, f.bet, f.win_amount, f.place_amount,
               round(f.win_amount / nullif(win_total, 0), 2), round(f.place_amount / nullif(place_total, 0), 2),
               inc.win, inc.place, inc.win,
               f.fixed_win, f.fixed_place, f.pool_win, f.pool_place, observed, src.received_at
        FROM (SELECT x.entrant_id, m.hold, m.bet,
                     raceday.pool_cents(win_total, m.hold) AS win_amount,
                     raceday.pool_cents(place_total, m.hold) AS place_amount,
                     nullif((x.odds ->> 'fixed_win')::numeric, 0) AS fixed_win,
                     nullif((x.odds ->> 'fixed_place')::numeric, 0) AS fixed_place,
                     nullif((x.odds ->> 'pool_win')::numeric, 0) AS pool_win,
                     nullif((x.odds ->> 'pool_place')::numeric, 0) AS pool_place
              FROM jsonb_to_recordset(runners)
                       AS x(entrant_id uuid, is_scratched boolean, odds jsonb)
              CROSS JOIN LATERAL (SELECT coalesce((money -> x.entrant_id::text ->> 'hold')::numeric, 0) AS hold,
                                         coalesce((money -> x.entrant_id::text ->> 'bet')::numeric, 0) AS bet) m
              WHERE NOT coalesce(x.is_scratched, false)) f
        LEFT JOIN LATERAL (SELECT true AS found, h.win_pool_amount, h.place_pool_amount
                           FROM raceday.money_flow_history h
                           WHERE h.race_id = race_uuid AND h.entrant_id = f.entrant_id
                             AND h.time_interval > bucket AND h.event_timestamp < observed
                           ORDER BY h.time_interval, h.event_timestamp DESC LIMIT 1) prev ON true
        -- Against the nearest earlier bucket; with none, the full amount
        -- in the baseline buckets (>= 55) and 0 later.
        CROSS JOIN LATERAL (SELECT CASE WHEN prev.found THEN f.win_amount - prev.win_pool_amount
                                        WHEN bucket >= 55 THEN f.win_amount ELSE 0 END AS win,
                                   CASE WHEN prev.found THEN f.place_amount - prev.place_pool_amount
                                        WHEN bucket >= 55 THEN f.place_amount ELSE 0 END AS place) inc
        ON CONFLICT (race_id, entrant_id, event_timestamp) DO NOTHING;
    END IF;

    INSERT INTO raceday.poll_quality AS q (staging_id, race_id, observed_at, status, runners, active_runners,
                                           hold_sum, bet_sum, stray_ids, missing_pools)
    SELECT transform_event.staging_id, race_uuid, observed, new_status, count(x.entrant_id),
           count(x.entrant_id) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'hold')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'bet')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           (SELECT count(*) FROM jsonb_object_keys(coalesce(money, '{}')) k
            WHERE k NOT IN (SELECT y ->> 'entrant_id' FROM jsonb_array_elements(
                                runners) y
                            WHERE y ->> 'entrant_id' IS NOT NULL)),
           array_remove(ARRAY[CASE WHEN win_total IS NULL THEN 'win' END,
                              CASE WHEN place_total IS NULL THEN 'place' END], NULL)
    FROM jsonb_to_recordset(runners)
             AS x(entrant_id uuid, is_scratched boolean)
    ON CONFLICT ON CONSTRAINT poll_quality_pkey DO NOTHING;
END
$$;
COMMENT ON FUNCTION raceday.transform_event(bigint, jsonb) IS
    'Turns one stored event response (doc: its document, if the caller has it) into races, entrants, pools, '
    'results, odds and money-flow history, and its quality record.';

COMMIT;
