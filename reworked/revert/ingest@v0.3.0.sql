-- Revert raceday:ingest from pg

BEGIN;

DROP FUNCTION raceday.ingest_failure(text, text, timestamptz, jsonb);
DROP FUNCTION raceday.ingest_event(text, jsonb, timestamptz, jsonb);
DROP FUNCTION raceday.ingest_meetings(jsonb, timestamptz, jsonb);
DROP FUNCTION raceday.run_transform(bigint, text);

COMMIT;
