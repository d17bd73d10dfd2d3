-- Revert raceday:event_money from pg

BEGIN;

DROP FUNCTION raceday.event_money(jsonb);

COMMIT;
