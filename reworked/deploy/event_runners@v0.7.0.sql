-- Deploy raceday:event_runners to pg
-- requires: schemas
-- Why: a real event carries about 30 KB of form per runner (past starts,
-- breeding) that the transform never reads. The transform reads the runners
-- once, here, into a slim array of the sixteen fields its parts use, nulls
-- left out as if absent; every part then reads that array, not the 400+ KB
-- of data.runners again.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.event_runners(runners jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(runners) = 'array' THEN (
    SELECT coalesce(jsonb_agg(jsonb_strip_nulls(
        jsonb_build_object('entrant_id', e -> 'entrant_id', 'name', e -> 'name',
            'runner_number', e -> 'runner_number', 'barrier', e -> 'barrier', 'jockey', e -> 'jockey',
            'trainer_name', e -> 'trainer_name', 'silk_colours', e -> 'silk_colours',
            'silk_url_64x64', e -> 'silk_url_64x64', 'silk_url_128x128', e -> 'silk_url_128x128',
            'is_scratched', e -> 'is_scratched', 'is_late_scratched', e -> 'is_late_scratched',
            'scratch_time', e -> 'scratch_time', 'is_emergency', e -> 'is_emergency',
            'favourite', e -> 'favourite', 'mover', e -> 'mover', 'odds', e -> 'odds')) ORDER BY n), '[]')
    FROM jsonb_array_elements(runners) WITH ORDINALITY AS r(e, n)) END;
COMMENT ON FUNCTION raceday.event_runners(jsonb) IS
    'An event''s data.runners with only the fields the transform reads (null when not an array).';

COMMIT;
