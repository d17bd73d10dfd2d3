-- Verify raceday:poll_targets on pg

SELECT target, kind, race_id, day, page_offset, next_poll_at, lease_owner, lease_until,
       last_polled_at, last_status, failures, polls, created_at
FROM raceday.poll_targets WHERE false;
