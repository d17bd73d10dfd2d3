-- Revert raceday:api_race_alerts from pg

BEGIN;

DROP FUNCTION api.race_alerts_for(text, uuid);
DROP VIEW api.race_alerts;

COMMIT;
