-- Revert raceday:alert_configs from pg

BEGIN;

DROP TABLE raceday.alert_configs;
DROP TABLE raceday.alert_config_defaults;
DROP FUNCTION raceday.alert_config_id(text, integer);

COMMIT;
