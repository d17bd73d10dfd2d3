-- Revert raceday:claim_due_polls from pg

BEGIN;

DROP FUNCTION raceday.release_polls(text);
DROP FUNCTION raceday.claim_due_polls(text, integer);

COMMIT;
