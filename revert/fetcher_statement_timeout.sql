-- Revert raceday:fetcher_statement_timeout from pg

BEGIN;

ALTER ROLE raceday_fetcher RESET statement_timeout;

COMMIT;
