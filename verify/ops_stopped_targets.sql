-- Verify raceday:ops_stopped_targets on pg

SELECT target, kind, meeting_name, race_number, start_time, status, stopped_at, stopped_reason, last_polled_at,
       last_status, not_found, failures, polls, resumed_at
FROM ops.stopped_targets WHERE false;
