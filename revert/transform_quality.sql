-- Revert raceday:transform_quality from pg

BEGIN;

DROP FUNCTION raceday.transform_quality(bigint, uuid, timestamptz, text, jsonb, jsonb, numeric, numeric);

COMMIT;
