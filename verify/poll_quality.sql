-- Verify raceday:poll_quality on pg

SELECT staging_id, race_id, observed_at, status, runners, active_runners, hold_sum, bet_sum,
       stray_ids, missing_pools, created_at
FROM raceday.poll_quality WHERE false;
