-- Verify raceday:poll_give_up on pg

DO $$
BEGIN
    PERFORM 'raceday.stop_stale_races()'::regprocedure;
    ASSERT pg_get_functiondef('raceday.ingest_failure(text, text, timestamptz, jsonb)'::regprocedure)
               LIKE '%stop_after_404s%', 'ingest_failure stops a target after repeated 404s';
    ASSERT pg_get_functiondef('raceday.claim_due_polls(text, integer)'::regprocedure) LIKE '%stop_stale_races()%',
           'the claim stops races long past their start';
END
$$;
