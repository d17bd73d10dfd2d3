-- Revert raceday:history_indexes from pg: the indexes as they were.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE INDEX money_flow_history_created_idx ON raceday.money_flow_history (race_id, created_at);
CREATE INDEX odds_history_race_idx ON raceday.odds_history (race_id, entrant_id, odds_type, event_timestamp);
ALTER TABLE raceday.odds_history
    ADD CONSTRAINT odds_history_entrant_id_odds_type_event_timestamp_key UNIQUE (entrant_id, odds_type, event_timestamp);
ALTER TABLE raceday.odds_history DROP CONSTRAINT odds_history_race_entrant_key;

COMMIT;
