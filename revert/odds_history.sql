-- Revert raceday:odds_history from pg

BEGIN;

DROP TABLE raceday.odds_history;

COMMIT;
