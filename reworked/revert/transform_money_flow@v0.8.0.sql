-- Revert raceday:transform_money_flow from pg

BEGIN;

DROP FUNCTION raceday.transform_money_flow(bigint, uuid, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb, numeric, numeric);

COMMIT;
