-- Revert raceday:raw_responses from pg

BEGIN;

DROP TABLE staging.raw_responses;
DROP FUNCTION staging.data_hash(jsonb);

COMMIT;
