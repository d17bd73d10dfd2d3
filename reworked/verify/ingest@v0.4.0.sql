-- Verify raceday:ingest on pg

DO $$
BEGIN
    ASSERT raceday.meetings_page_limit('{"params": {"limit": 20}}', 100) = 20, 'the echoed limit counts';
    ASSERT raceday.meetings_page_limit('{"params": {"limit": "abc"}}', 100) = 100, 'a limit that is no integer';
    ASSERT raceday.meetings_page_limit('{"params": {"limit": 1e308}}', 100) = 100, 'a limit beyond integer';
    ASSERT raceday.meetings_page_limit('{"params": {"limit": 0}}', 100) = 100, 'a limit of 0';
    ASSERT raceday.meetings_page_limit('[1]', 100) = 100, 'a body that is no object';
    PERFORM 'raceday.ingest_meetings(jsonb, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_event(text, jsonb, timestamptz, jsonb)'::regprocedure,
            'raceday.ingest_failure(text, text, timestamptz, jsonb)'::regprocedure,
            'raceday.run_transform(bigint, text)'::regprocedure;
END
$$;
