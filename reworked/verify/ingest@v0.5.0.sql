-- Verify raceday:ingest on pg

DO $$
BEGIN
    ASSERT raceday.meetings_page_limit('{"params": {"limit": 20}}', 100) = 20, 'the echoed limit counts';
    ASSERT raceday.meetings_page_limit('{"params": {"limit": "abc"}}', 100) = 100, 'a limit that is no integer';
    PERFORM 'raceday.ingest_meetings(text, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_meetings(jsonb, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_event(text, text, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_event(text, jsonb, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_failure(text, text, timestamptz, jsonb)'::regprocedure,
            'raceday.run_transform(bigint, text, jsonb)'::regprocedure;
END
$$;
