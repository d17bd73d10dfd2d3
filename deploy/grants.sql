-- Deploy raceday:grants to pg
-- requires: grants@v0.6.0 monitor_role ops_pipeline_metrics web_user api_alert_configs api_computed_relationships
-- Why: every privilege of raceday in one place, so what each role may do is
-- read here and nowhere else. The rule: deny by default, then grant.
--   web_anon        usage on api and what api holds, nothing else
--                   (but alert settings, which need a signed-in user)
--   web_user        what web_anon has (a member of it), and alert settings
--   authenticator   connect, and switching to web_anon (roles change)
--   raceday_fetcher connect, and execute on the claim/ingest functions;
--                   no table at all (those functions run as their owner)
--   staging         nobody but its owner
-- This change is reworked whenever a new object needs a privilege.
--
-- Reworked: the fetcher ingests the body as received, through the text
-- versions of ingest_meetings and ingest_event (see ingest); the jsonb
-- versions are for the owner's tests and tools and are taken back from it.
--
-- Reworked: raceday_monitor (monitor_role), the metrics exporter's login,
-- may connect and execute ops.pipeline_metrics(), and nothing else.

BEGIN;

-- Database: only raceday's login roles connect; nobody makes temp tables.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO raceday_owner, raceday_fetcher, authenticator',
                   current_database());
END
$$;

-- Schemas other than raceday's own: PUBLIC keeps nothing, so web_anon sees
-- only api. pg_cron grants its schema to PUBLIC; jobs are the owner's business.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA cron FROM PUBLIC;
-- pg_cron also lets PUBLIC execute its functions (cron.schedule...); with the
-- schema closed nobody could reach them, but nothing outside api should be
-- executable by web_anon at all. Jobs are scheduled by the superuser deploy.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA cron FROM PUBLIC;
-- ...but the owner's housekeeping prunes pg_cron's run history.
GRANT USAGE ON SCHEMA cron TO raceday_owner;
GRANT SELECT, DELETE ON cron.job_run_details TO raceday_owner;

-- Functions are executable by nobody unless granted below, now and later.
ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA raceday, staging, api, ops FROM PUBLIC;

-- The client contract.
GRANT USAGE ON SCHEMA api TO web_anon;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO web_anon;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO web_anon;
ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api GRANT SELECT ON TABLES TO web_anon;
ALTER DEFAULT PRIVILEGES FOR ROLE raceday_owner IN SCHEMA api GRANT EXECUTE ON FUNCTIONS TO web_anon;

-- The fetcher may resolve raceday's functions; it is granted no table.
GRANT USAGE ON SCHEMA raceday TO raceday_fetcher;
GRANT EXECUTE ON FUNCTION
    raceday.claim_due_polls(text, integer),
    raceday.release_polls(text),
    raceday.ingest_meetings(text, timestamptz, jsonb),
    raceday.ingest_event(text, text, timestamptz, jsonb),
    raceday.ingest_failure(text, text, timestamptz, jsonb)
TO raceday_fetcher;
REVOKE EXECUTE ON FUNCTION
    raceday.ingest_meetings(jsonb, timestamptz, jsonb),
    raceday.ingest_event(text, jsonb, timestamptz, jsonb)
FROM raceday_fetcher;

-- web_user (a signed-in user; see web_user, api_alert_configs): alert
-- settings belong to a token's subject, so the anonymous role loses them
-- (the api schema's default privileges gave them to it) and web_user, which
-- reads everything else as a member of web_anon, gets them. Row-level
-- security on raceday.alert_configs keeps each user to their own rows.
REVOKE SELECT ON api.alert_configs FROM web_anon;
REVOKE EXECUTE ON FUNCTION api.alert_configs(), api.save_alert_configs(jsonb, boolean), api.reset_alert_configs()
FROM web_anon;
GRANT SELECT ON api.alert_configs TO web_user;
GRANT EXECUTE ON FUNCTION api.alert_configs(), api.save_alert_configs(jsonb, boolean), api.reset_alert_configs()
TO web_user;

-- ops_pipeline_metrics: the metrics exporter reads the pipeline's state
-- through this one function (it runs as its owner); no table, no view.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO raceday_monitor', current_database());
END
$$;
GRANT USAGE ON SCHEMA ops TO raceday_monitor;
GRANT EXECUTE ON FUNCTION ops.pipeline_metrics() TO raceday_monitor;

-- api_computed_relationships: the embeds of a runner's history (the api
-- default privileges grant them too; named here so this file says so).
GRANT EXECUTE ON FUNCTION api.odds_history(api.entrants), api.money_flow_timeline(api.entrants) TO web_anon;

COMMIT;
