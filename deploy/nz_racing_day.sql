-- Deploy raceday:nz_racing_day to pg
-- requires: schemas
-- Why: the racing day is the NZ day. History partitions, the daily baseline
-- and the meetings' dates all cut days at Pacific/Auckland midnight, so a
-- DST day is 23 or 25 hours long; these two functions are the one place that
-- knows how.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.nz_racing_day(ts timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (ts AT TIME ZONE 'Pacific/Auckland')::date;
COMMENT ON FUNCTION raceday.nz_racing_day(timestamptz) IS 'The NZ racing day an instant belongs to.';

CREATE FUNCTION raceday.nz_day_start(day date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN day::timestamp AT TIME ZONE 'Pacific/Auckland';
COMMENT ON FUNCTION raceday.nz_day_start(date) IS 'The instant an NZ racing day starts (NZ midnight).';

COMMIT;
