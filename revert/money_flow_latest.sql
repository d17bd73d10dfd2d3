-- Revert raceday:money_flow_latest from pg

BEGIN;

DROP TRIGGER money_flow_latest_delete ON raceday.money_flow_history;
DROP TRIGGER money_flow_latest_insert ON raceday.money_flow_history;
DROP FUNCTION raceday.money_flow_latest_delete();
DROP FUNCTION raceday.money_flow_latest_insert();
DROP TABLE raceday.money_flow_latest;

COMMIT;
