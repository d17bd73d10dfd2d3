-- Revert raceday:transform_money_flow from pg: the version of
-- transform_money_flow@v0.8.0, the interval type called for every row (same
-- signature, so replaced in place: its privileges and comment stay).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.transform_money_flow(staging_id bigint, race_uuid uuid, observed timestamptz,
                                                        received_at timestamptz, start_at timestamptz, new_status text,
                                                        runners jsonb, money jsonb, win_total numeric, place_total numeric)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    old_status text;
    minutes    numeric := round(extract(epoch FROM start_at - observed) / 60, 3);
    bucket     numeric := raceday.time_bucket(minutes);
BEGIN
    IF money IS NULL OR new_status IS NULL OR new_status NOT IN ('open', 'closed') THEN
        RETURN;
    END IF;
    -- Closed: written only if the previous event poll saw it open. Event
    -- polls only (not the meetings list), so a replay decides the same.
    IF new_status = 'closed' THEN
        SELECT q.status INTO old_status FROM raceday.poll_quality q
        WHERE q.race_id = race_uuid AND q.observed_at < observed
        ORDER BY q.observed_at DESC LIMIT 1;
        IF coalesce(old_status, 'open') <> 'open' THEN
            RETURN;
        END IF;
    END IF;
    INSERT INTO raceday.money_flow_history (
        race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type, hold_percentage,
        bet_percentage, win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage,
        incremental_win_amount, incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds,
        pool_win_odds, pool_place_odds, event_timestamp, polling_timestamp)
    SELECT race_uuid, f.entrant_id, transform_money_flow.staging_id, bucket, minutes, raceday.interval_type(minutes),
           f.hold, f.bet, f.win_amount, f.place_amount,
           round(f.win_amount / nullif(win_total, 0), 2), round(f.place_amount / nullif(place_total, 0), 2),
           inc.win, inc.place, inc.win, f.fixed_win, f.fixed_place, f.pool_win, f.pool_place, observed, received_at
    FROM (SELECT x.entrant_id, m.hold, m.bet,
                 raceday.pool_cents(win_total, m.hold) AS win_amount,
                 raceday.pool_cents(place_total, m.hold) AS place_amount,
                 nullif((x.odds ->> 'fixed_win')::numeric, 0) AS fixed_win,
                 nullif((x.odds ->> 'fixed_place')::numeric, 0) AS fixed_place,
                 nullif((x.odds ->> 'pool_win')::numeric, 0) AS pool_win,
                 nullif((x.odds ->> 'pool_place')::numeric, 0) AS pool_place
          FROM jsonb_to_recordset(runners) AS x(entrant_id uuid, is_scratched boolean, odds jsonb)
          CROSS JOIN LATERAL (SELECT coalesce((money -> x.entrant_id::text ->> 'hold')::numeric, 0) AS hold,
                                     coalesce((money -> x.entrant_id::text ->> 'bet')::numeric, 0) AS bet) m
          WHERE NOT coalesce(x.is_scratched, false)) f
    LEFT JOIN LATERAL (SELECT true AS found, h.win_pool_amount, h.place_pool_amount
                       FROM raceday.money_flow_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = f.entrant_id
                         AND h.time_interval > bucket AND h.event_timestamp < observed
                       ORDER BY h.time_interval, h.event_timestamp DESC LIMIT 1) prev ON true
    -- Against the nearest earlier bucket; with none, the full amount in the
    -- baseline buckets (>= 55) and 0 later.
    CROSS JOIN LATERAL (SELECT CASE WHEN prev.found THEN f.win_amount - prev.win_pool_amount
                                    WHEN bucket >= 55 THEN f.win_amount ELSE 0 END AS win,
                               CASE WHEN prev.found THEN f.place_amount - prev.place_pool_amount
                                    WHEN bucket >= 55 THEN f.place_amount ELSE 0 END AS place) inc
    ON CONFLICT (race_id, entrant_id, event_timestamp) DO NOTHING;
END
$$;
COMMENT ON FUNCTION raceday.transform_money_flow(bigint, uuid, timestamptz, timestamptz, timestamptz, text, jsonb,
                                                 jsonb, numeric, numeric) IS
    'Part of transform_event: the money-flow rows of a poll, while open and on the first poll closed.';

COMMIT;
