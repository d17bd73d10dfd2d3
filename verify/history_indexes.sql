-- Verify raceday:history_indexes on pg: odds_history's one key, and neither dropped index.

SELECT 1 / count(*) FROM pg_constraint
WHERE conrelid = 'raceday.odds_history'::regclass AND conname = 'odds_history_race_entrant_key' AND contype = 'u';
SELECT 1 / (count(*) = 0)::integer FROM pg_class
WHERE relnamespace = 'raceday'::regnamespace
  AND relname IN ('odds_history_race_idx', 'money_flow_history_created_idx',
                  'odds_history_entrant_id_odds_type_event_timestamp_key');
