-- Deploy raceday:client_fields to pg
-- requires: races entrants
-- Why: the client's meeting header shows the track's direction, surface
-- and rail position, and its runners grid each runner's weights, form
-- comment and last starts (DOMAIN.md §7). TAB sends them on every event
-- poll (data.race and data.runners, DOMAIN.md §1), so they are kept where
-- the rest of that poll's race and runner are. Weights are kilograms as
-- TAB writes them ("57.5"), stored as numbers.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.races
    ADD COLUMN track_direction text,
    ADD COLUMN track_surface text,
    ADD COLUMN rail_position text;
COMMENT ON COLUMN raceday.races.track_direction IS 'Which way the track is run (TAB''s track_direction: Left, Right).';
COMMENT ON COLUMN raceday.races.track_surface IS 'The track''s surface (TAB''s track_surface: Turf, Synthetic, ...).';
COMMENT ON COLUMN raceday.races.rail_position IS 'Where the rail is, as TAB words it (rail_position).';

ALTER TABLE raceday.entrants
    ADD COLUMN weight_allocated numeric(5, 2),
    ADD COLUMN weight_total numeric(5, 2),
    ADD COLUMN form_comment text,
    ADD COLUMN last_twenty_starts text;
COMMENT ON COLUMN raceday.entrants.weight_allocated IS 'The weight allocated to carry, kg (TAB''s weight.allocated).';
COMMENT ON COLUMN raceday.entrants.weight_total IS 'The weight carried with any allowance, kg (TAB''s weight.total).';
COMMENT ON COLUMN raceday.entrants.form_comment IS 'TAB''s comment on the runner''s form.';
COMMENT ON COLUMN raceday.entrants.last_twenty_starts IS
    'The runner''s last starts, latest last: a placing digit each, 0 for tenth or worse, x for a spell.';

COMMIT;
