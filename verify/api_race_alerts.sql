-- Verify raceday:api_race_alerts on pg

SELECT id, race_id, entrant_id, time_interval, kind, value, share, evidence, observed_at, created_at
FROM api.race_alerts WHERE false;
SELECT id, color, indicator_id, audible FROM api.race_alerts_for('00000000-0000-4000-8000-000000000000') WHERE false;
