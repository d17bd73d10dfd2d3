-- Revert raceday:ensure_history_partitions from pg
-- The partitions it made hold history: they stay with their tables (and go
-- when the history tables are reverted).

BEGIN;

DROP FUNCTION raceday.ensure_history_partitions(date, date);

COMMIT;
