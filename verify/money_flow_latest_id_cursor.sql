-- Verify raceday:money_flow_latest_id_cursor on pg

SELECT 1 / count(*) FROM pg_indexes WHERE schemaname = 'raceday' AND indexname = 'money_flow_latest_id_idx';
