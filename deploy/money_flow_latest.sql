-- Deploy raceday:money_flow_latest to pg
-- requires: money_flow_history
-- Why: the client's timeline shows the latest row of each bucket of each
-- runner (DOMAIN.md §7). Picking it from the history on every request sorts
-- every poll of the race (about 800 rows for one 150-row answer) and cost
-- about 3 ms of the 4.3 ms the timeline query took. Statement triggers
-- on the history keep this table of latest rows instead: one small upsert
-- per poll, and the timeline becomes an index read. Deleting history (a
-- reprocess) recomputes the latest rows of the buckets it touched.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.money_flow_latest (
    LIKE raceday.money_flow_history,
    PRIMARY KEY (race_id, entrant_id, time_interval),
    FOREIGN KEY (race_id) REFERENCES raceday.races ON DELETE CASCADE
);
COMMENT ON TABLE raceday.money_flow_latest IS
    'The latest money_flow_history row of each race, runner and bucket; kept by triggers on the history.';
-- The client fetches what is new in a race by created_at.
CREATE INDEX money_flow_latest_created_idx ON raceday.money_flow_latest (race_id, created_at);

CREATE FUNCTION raceday.money_flow_latest_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO raceday.money_flow_latest AS l
    SELECT DISTINCT ON (n.race_id, n.entrant_id, n.time_interval) n.*
    FROM new_rows n
    ORDER BY n.race_id, n.entrant_id, n.time_interval, n.event_timestamp DESC
    ON CONFLICT (race_id, entrant_id, time_interval) DO UPDATE
    SET (id, staging_id, type, pool_type, time_to_start, interval_type, hold_percentage, bet_percentage,
         win_pool_amount, place_pool_amount, win_pool_percentage, place_pool_percentage, incremental_win_amount,
         incremental_place_amount, incremental_amount, fixed_win_odds, fixed_place_odds, pool_win_odds,
         pool_place_odds, event_timestamp, polling_timestamp, created_at)
      = (EXCLUDED.id, EXCLUDED.staging_id, EXCLUDED.type, EXCLUDED.pool_type, EXCLUDED.time_to_start,
         EXCLUDED.interval_type, EXCLUDED.hold_percentage, EXCLUDED.bet_percentage, EXCLUDED.win_pool_amount,
         EXCLUDED.place_pool_amount, EXCLUDED.win_pool_percentage, EXCLUDED.place_pool_percentage,
         EXCLUDED.incremental_win_amount, EXCLUDED.incremental_place_amount, EXCLUDED.incremental_amount,
         EXCLUDED.fixed_win_odds, EXCLUDED.fixed_place_odds, EXCLUDED.pool_win_odds, EXCLUDED.pool_place_odds,
         EXCLUDED.event_timestamp, EXCLUDED.polling_timestamp, EXCLUDED.created_at)
    -- A late, older observation (a replay out of order) does not replace a newer one.
    WHERE EXCLUDED.event_timestamp >= l.event_timestamp;
    RETURN NULL;
END
$$;

CREATE FUNCTION raceday.money_flow_latest_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM raceday.money_flow_latest l
    USING (SELECT DISTINCT o.race_id, o.entrant_id, o.time_interval FROM old_rows o) k
    WHERE (l.race_id, l.entrant_id, l.time_interval) = (k.race_id, k.entrant_id, k.time_interval);
    INSERT INTO raceday.money_flow_latest
    SELECT DISTINCT ON (h.race_id, h.entrant_id, h.time_interval) h.*
    FROM raceday.money_flow_history h
    JOIN (SELECT DISTINCT o.race_id, o.entrant_id, o.time_interval FROM old_rows o) k
      ON (h.race_id, h.entrant_id, h.time_interval) = (k.race_id, k.entrant_id, k.time_interval)
    ORDER BY h.race_id, h.entrant_id, h.time_interval, h.event_timestamp DESC;
    RETURN NULL;
END
$$;

CREATE TRIGGER money_flow_latest_insert AFTER INSERT ON raceday.money_flow_history
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.money_flow_latest_insert();
CREATE TRIGGER money_flow_latest_delete AFTER DELETE ON raceday.money_flow_history
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION raceday.money_flow_latest_delete();

-- What the history already holds.
INSERT INTO raceday.money_flow_latest
SELECT DISTINCT ON (h.race_id, h.entrant_id, h.time_interval) h.*
FROM raceday.money_flow_history h
ORDER BY h.race_id, h.entrant_id, h.time_interval, h.event_timestamp DESC;

COMMIT;
