-- Verify raceday:money_flow_lookup_index on pg: the look-up index runs event_timestamp descending.

SELECT 1 / count(*) FROM pg_indexes
WHERE schemaname = 'raceday' AND indexname = 'money_flow_history_race_idx'
  AND indexdef LIKE '%(race_id, entrant_id, time_interval, event_timestamp DESC)';
