-- Revert raceday:poll_schedule from pg

BEGIN;

DROP FUNCTION raceday.spread_overdue();
DROP FUNCTION raceday.plan_day(date);
DROP FUNCTION raceday.next_poll_time(text, timestamptz, timestamptz);
DROP FUNCTION raceday.poll_interval(text, timestamptz, timestamptz);

COMMIT;
