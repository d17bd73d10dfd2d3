-- Verify raceday:raceday_alerts on pg
-- The database runs the code of plpython/raceday_alerts.py, byte for byte.

\set source `cat plpython/raceday_alerts.py`
SELECT 1 / (source = :'source')::int FROM raceday.plpython_modules WHERE name = 'raceday_alerts';
SELECT id, race_id, entrant_id, time_interval, kind, value, share, evidence, staging_id FROM raceday.race_alerts WHERE false;
SELECT 1 / (jsonb_array_length(raceday.detect_alerts('{}', '{}', '{}', '{}', '{}', 5)) = 0)::int;
