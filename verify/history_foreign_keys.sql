-- Verify raceday:history_foreign_keys on pg: the history tables reference nothing.

SELECT 1 / (count(*) = 0)::integer FROM pg_constraint
WHERE contype = 'f' AND conrelid IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass);
