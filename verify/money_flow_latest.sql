-- Verify raceday:money_flow_latest on pg

SELECT id, race_id, entrant_id, time_interval, event_timestamp, created_at FROM raceday.money_flow_latest WHERE false;
SELECT 1 / count(*)::int FROM pg_trigger
WHERE tgrelid = 'raceday.money_flow_history'::regclass AND tgname = 'money_flow_latest_insert';
