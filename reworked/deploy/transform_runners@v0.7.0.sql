-- Deploy raceday:transform_runners to pg
-- requires: entrants money_flow_rules
-- Why: the runners of one event poll (DOMAIN.md §2-§3): each with its
-- current odds (0 or missing: null) and its money, in cents of the Win and
-- Place pools. A row is written only when something in it changed, so an
-- unchanged poll leaves the runners (and updated_at) alone. A part of
-- transform_event.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_runners(race_uuid uuid, runners jsonb, money jsonb, win_total numeric,
                                          place_total numeric) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
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
END
$$;
COMMENT ON FUNCTION raceday.transform_runners(uuid, jsonb, jsonb, numeric, numeric) IS
    'Part of transform_event: the runners with their current odds and money (runners: event_runners()).';

COMMIT;
