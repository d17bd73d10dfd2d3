-- Revert raceday:money_flow_rules from pg

BEGIN;

DROP FUNCTION raceday.pool_cents(numeric, numeric);
DROP FUNCTION raceday.interval_type(numeric);
DROP FUNCTION raceday.time_bucket(numeric);

COMMIT;
