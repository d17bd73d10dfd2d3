-- Revert raceday:money_flow_latest_id_cursor from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP INDEX raceday.money_flow_latest_id_idx;

COMMIT;
