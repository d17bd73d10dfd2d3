-- Revert raceday:store_response from pg

BEGIN;

DROP FUNCTION raceday.store_response(text, text, jsonb, timestamptz, jsonb);

COMMIT;
