-- Revert raceday:security_definer_search_path from pg: the search paths as
-- they were, without pg_temp.

BEGIN;

ALTER FUNCTION raceday.ensure_history_partitions(date, date) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.ingest_failure(text, text, timestamptz, jsonb) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.claim_due_polls(text, integer) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.release_polls(text) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.reprocess(uuid) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.sweep(integer, boolean) SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.maintain_partitions() SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.prune_staging() SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.prune_cron_history() SET search_path = pg_catalog, raceday;
ALTER FUNCTION raceday.prune_derived() SET search_path = pg_catalog, raceday;
ALTER FUNCTION api.alert_configs(text) SET search_path = pg_catalog, api;
ALTER FUNCTION api.save_alert_configs(text, jsonb, boolean) SET search_path = pg_catalog, api;
ALTER FUNCTION api.reset_alert_configs(text) SET search_path = pg_catalog, api;

COMMIT;
