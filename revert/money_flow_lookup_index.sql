-- Revert raceday:money_flow_lookup_index from pg: the index in ascending order, as money_flow_history made it.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP INDEX raceday.money_flow_history_race_idx;
CREATE INDEX money_flow_history_race_idx
    ON raceday.money_flow_history (race_id, entrant_id, time_interval, event_timestamp);

COMMIT;
