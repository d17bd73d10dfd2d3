-- Revert raceday:client_fields from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.entrants
    DROP COLUMN weight_allocated, DROP COLUMN weight_total, DROP COLUMN form_comment, DROP COLUMN last_twenty_starts;
ALTER TABLE raceday.races DROP COLUMN track_direction, DROP COLUMN track_surface, DROP COLUMN rail_position;

COMMIT;
