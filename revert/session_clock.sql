-- Revert raceday:session_clock from pg: the clock of settings only.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.clock() RETURNS timestamptz
LANGUAGE sql STABLE
RETURN (SELECT coalesce(s.clock_virtual + (now() - s.clock_real) * s.clock_speed, now())
        FROM raceday.settings s);
COMMENT ON FUNCTION raceday.clock() IS 'The schedule''s now: real time unless settings hold a simulated clock.';

COMMIT;
