-- Verify raceday:ingest on pg

SELECT 'raceday.ingest_meetings(jsonb, timestamptz, jsonb)'::regprocedure,
       'raceday.ingest_event(text, jsonb, timestamptz, jsonb)'::regprocedure,
       'raceday.ingest_failure(text, text, timestamptz, jsonb)'::regprocedure,
       'raceday.run_transform(bigint, text)'::regprocedure;
