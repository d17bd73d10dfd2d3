-- Verify raceday:poll_lateness on pg

SELECT claim_lag, late_streak FROM raceday.poll_targets WHERE false;
SELECT 1 / count(*) FROM pg_trigger WHERE tgname = 'poll_targets_lateness'
    AND tgrelid = 'raceday.poll_targets'::regclass;
