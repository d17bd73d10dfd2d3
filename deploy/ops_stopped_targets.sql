-- Deploy raceday:ops_stopped_targets to pg
-- requires: poll_targets_stopped
-- requires: meetings
-- Why: a target the give-up rules stopped (repeated 404s, a race hours past
-- its start without a final result) or an operator stopped is no longer in
-- ops.pipeline_lag, which lists what is still polled; this view lists the
-- others with why, so a race stopped by mistake is found and resumed
-- (raceday.resume_polling). Like the other ops views it is for the owner
-- and superusers only.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE VIEW ops.stopped_targets AS
SELECT t.target, t.kind, m.meeting_name, r.race_number, r.start_time, r.status, t.stopped_at, t.stopped_reason,
       t.last_polled_at, t.last_status, t.not_found, t.failures, t.polls, t.resumed_at
FROM raceday.poll_targets t
LEFT JOIN raceday.races r ON r.race_id = t.race_id
LEFT JOIN raceday.meetings m ON m.meeting_id = r.meeting_id
WHERE t.stopped_at IS NOT NULL
ORDER BY t.stopped_at DESC, t.target;
COMMENT ON VIEW ops.stopped_targets IS
    'Targets no longer polled because a give-up rule or an operator stopped them, newest first, with why. SELECT raceday.resume_polling(target) polls one again at once.';
COMMENT ON COLUMN ops.stopped_targets.target IS 'The race id, or meetings:<NZ day>:<page offset>.';
COMMENT ON COLUMN ops.stopped_targets.kind IS 'event (one race) or meetings (a page of a day''s meetings).';
COMMENT ON COLUMN ops.stopped_targets.meeting_name IS 'The race''s meeting; null for a meetings page.';
COMMENT ON COLUMN ops.stopped_targets.race_number IS 'The race''s number in its meeting; null for a meetings page.';
COMMENT ON COLUMN ops.stopped_targets.start_time IS 'The race''s advertised start; null for a meetings page.';
COMMENT ON COLUMN ops.stopped_targets.status IS 'The race''s status when last transformed (open, closed, interim...).';
COMMENT ON COLUMN ops.stopped_targets.stopped_at IS 'When polling stopped, by the schedule''s clock (raceday.clock()).';
COMMENT ON COLUMN ops.stopped_targets.stopped_reason IS
    'Why: 404s in a row, no final result hours after the start, or "stopped by hand (who): why".';
COMMENT ON COLUMN ops.stopped_targets.last_polled_at IS 'The last poll that reached the database, by the schedule''s clock.';
COMMENT ON COLUMN ops.stopped_targets.last_status IS 'The HTTP status of the last poll.';
COMMENT ON COLUMN ops.stopped_targets.not_found IS 'HTTP 404 answers in a row when it stopped.';
COMMENT ON COLUMN ops.stopped_targets.failures IS 'Failed polls in a row when it stopped.';
COMMENT ON COLUMN ops.stopped_targets.polls IS 'Polls of this target that were answered and ingested (failed fetches not counted).';
COMMENT ON COLUMN ops.stopped_targets.resumed_at IS 'When it was last resumed by hand, if ever.';

COMMIT;
