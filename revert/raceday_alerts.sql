-- Revert raceday:raceday_alerts from pg

BEGIN;

DROP TRIGGER race_alerts_forget ON raceday.money_flow_history;
DROP TRIGGER race_alerts_detect ON raceday.money_flow_history;
DROP FUNCTION raceday.race_alerts_forget();
DROP FUNCTION raceday.race_alerts_detect();
DROP TABLE raceday.race_alerts;
DROP FUNCTION raceday.detect_alerts(text[], float8[], float8[], float8[], float8[], float8);
DELETE FROM raceday.plpython_modules WHERE name = 'raceday_alerts';

COMMIT;
