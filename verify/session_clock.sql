-- Verify raceday:session_clock on pg: a session's own clock wins, and only while set.

BEGIN;
SELECT set_config('raceday.clock', '2001-02-03 04:05:06+00', true);
SELECT 1 / (raceday.clock() = '2001-02-03 04:05:06+00')::integer;
SELECT set_config('raceday.clock', '', true);
SELECT 1 / (raceday.clock() <> '2001-02-03 04:05:06+00')::integer;
ROLLBACK;
