-- Revert raceday:meetings from pg

BEGIN;

DROP TABLE raceday.meetings;

COMMIT;
