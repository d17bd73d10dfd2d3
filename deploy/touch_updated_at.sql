-- Deploy raceday:touch_updated_at to pg
-- requires: schemas
-- Why: the client reads updated_at to know what changed; setting it in one
-- trigger keeps every writer honest. A row rewritten with the same values
-- keeps its old updated_at, so "updated" means "something changed".

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION raceday.touch_updated_at() IS
    'BEFORE UPDATE trigger: moves updated_at to now() only when a column really changed.';

COMMIT;
