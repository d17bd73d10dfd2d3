-- Deploy raceday:stop_polling to pg
-- requires: poll_targets_stopped
-- Why: an operator must be able to stop polling a target (a race TAB keeps
-- answering with garbage, a page not wanted) and start it again, without
-- writing UPDATEs against the schedule under pressure. Stopping records who
-- and why in stopped_reason; resuming clears it and makes the target due at
-- once, with its failure counts reset and the hours-past-start rule counted
-- from the resume. Both refuse what is not a target (SQLSTATE 22023). They
-- run as the owner (SECURITY DEFINER) and PUBLIC may not execute them (the
-- owner's default privileges): granting one to an operator role is all it
-- takes to delegate it.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.stop_polling(target text, reason text) RETURNS raceday.poll_targets
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    stopped raceday.poll_targets;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' OR length(reason) > 500 THEN
        RAISE EXCEPTION 'stop_polling: a reason of 1 to 500 characters is required'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE raceday.poll_targets t
    SET next_poll_at = NULL, stopped_at = raceday.clock(),
        stopped_reason = format('stopped by hand (%s): %s', session_user, btrim(reason))
    WHERE t.target = stop_polling.target
    RETURNING t.* INTO stopped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stop_polling: % is not a poll target', coalesce(quote_literal(stop_polling.target), 'null')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target is a race id or meetings:<NZ day>:<page offset>; see raceday.poll_targets.';
    END IF;
    RETURN stopped;
END
$$;
COMMENT ON FUNCTION raceday.stop_polling(text, text) IS
    'Stops polling a target (race id or meetings:<day>:<offset>) until raceday.resume_polling; records who and why. Returns the target.';

CREATE FUNCTION raceday.resume_polling(target text) RETURNS raceday.poll_targets
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    resumed raceday.poll_targets;
BEGIN
    UPDATE raceday.poll_targets t
    SET stopped_at = NULL, stopped_reason = NULL, resumed_at = raceday.clock(), next_poll_at = raceday.clock(),
        failures = 0, not_found = 0
    WHERE t.target = resume_polling.target
    RETURNING t.* INTO resumed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'resume_polling: % is not a poll target', coalesce(quote_literal(resume_polling.target), 'null')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target is a race id or meetings:<NZ day>:<page offset>; see ops.stopped_targets.';
    END IF;
    RETURN resumed;
END
$$;
COMMENT ON FUNCTION raceday.resume_polling(text) IS
    'Polls a target again at once (stopped or not), clearing its stop and failure counts; the hours-past-start rule counts from now. Returns the target.';

COMMIT;
