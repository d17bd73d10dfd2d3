-- Verify raceday:api_race_alerts on pg

SELECT id, race_id, entrant_id, time_interval, kind, value, share, evidence, observed_at, created_at
FROM api.race_alerts WHERE false;
SELECT 'api.race_alerts_for(text, uuid)'::regprocedure;
