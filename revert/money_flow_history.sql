-- Revert raceday:money_flow_history from pg

BEGIN;

DROP TABLE raceday.money_flow_history;

COMMIT;
