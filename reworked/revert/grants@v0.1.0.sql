-- Revert raceday:grants from pg
-- Back to PostgreSQL's defaults for what grants took away.

BEGIN;

REVOKE EXECUTE ON FUNCTION
    raceday.claim_due_polls(text, integer),
    raceday.release_polls(text),
    raceday.ingest_meetings(jsonb, timestamptz, jsonb),
    raceday.ingest_event(text, jsonb, timestamptz, jsonb),
    raceday.ingest_failure(text, text, timestamptz, jsonb)
FROM raceday_fetcher;
REVOKE USAGE ON SCHEMA raceday FROM raceday_fetcher;

ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api REVOKE EXECUTE ON FUNCTIONS FROM web_anon;
ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api REVOKE SELECT ON TABLES FROM web_anon;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM web_anon;
REVOKE SELECT ON ALL TABLES IN SCHEMA api FROM web_anon;
REVOKE USAGE ON SCHEMA api FROM web_anon;

ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;

REVOKE SELECT, DELETE ON cron.job_run_details FROM raceday_owner;
REVOKE USAGE ON SCHEMA cron FROM raceday_owner;
GRANT USAGE ON SCHEMA cron TO PUBLIC;
GRANT USAGE ON SCHEMA public TO PUBLIC;

DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM raceday_owner, raceday_fetcher, authenticator',
                   current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;

COMMIT;
