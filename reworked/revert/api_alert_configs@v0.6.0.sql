-- Revert raceday:api_alert_configs from pg

BEGIN;

DROP FUNCTION api.reset_alert_configs(text);
DROP FUNCTION api.save_alert_configs(text, jsonb, boolean);
DROP FUNCTION api.alert_configs(text);
DROP VIEW api.alert_configs;

COMMIT;
