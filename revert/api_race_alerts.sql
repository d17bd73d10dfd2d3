-- Revert raceday:api_race_alerts to its version of api_race_alerts@v0.6.0:
-- the earlier race_alerts_for(user_id, race_id) needs the earlier
-- api.alert_configs(user_id), so the revert of api_alert_configs, which
-- comes next, makes it again; here the new one goes.

BEGIN;

DROP FUNCTION api.race_alerts_for(uuid);

COMMIT;
