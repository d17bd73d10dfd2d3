-- Deploy raceday:security_definer_search_path to pg
-- requires: ensure_history_partitions ingest claim_due_polls reprocess housekeeping
-- requires: api_alert_configs prune_derived change_feed api_feed
-- Why: a SECURITY DEFINER function runs as its owner, whoever calls it. When
-- pg_temp is not named in its search_path, PostgreSQL searches the caller's
-- temporary schema FIRST for tables, views and types, so a caller could
-- create a temporary raceday-looking relation that the function then reads
-- or writes with the owner's rights. Named last, pg_temp comes after
-- everything the function means (PostgreSQL's own advice for SECURITY
-- DEFINER). These functions named only pg_catalog and their schema; the
-- later ones (ingest, change_feed, api_feed) already end with pg_temp.
-- tests/pgtap/test_security_definer.sql checks every SECURITY DEFINER
-- function of raceday, staging, api and ops, so a new one is caught too.

BEGIN;

ALTER FUNCTION raceday.ensure_history_partitions(date, date) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.ingest_failure(text, text, timestamptz, jsonb) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.claim_due_polls(text, integer) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.release_polls(text) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.reprocess(uuid) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.sweep(integer, boolean) SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.maintain_partitions() SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.prune_staging() SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.prune_cron_history() SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION raceday.prune_derived() SET search_path = pg_catalog, raceday, pg_temp;
ALTER FUNCTION api.alert_configs(text) SET search_path = pg_catalog, api, pg_temp;
ALTER FUNCTION api.save_alert_configs(text, jsonb, boolean) SET search_path = pg_catalog, api, pg_temp;
ALTER FUNCTION api.reset_alert_configs(text) SET search_path = pg_catalog, api, pg_temp;

COMMIT;
