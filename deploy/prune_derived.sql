-- Deploy raceday:prune_derived to pg
-- requires: housekeeping money_flow_latest raceday_alerts
-- Why: the history keeps 30 days by dropping whole partitions, but
-- money_flow_latest and race_alerts are plain tables that only grow (about
-- 150 latest rows and 10 alerts a race). Each night they lose what is older
-- than the history's retention, behind an advisory lock like every job.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.prune_derived() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    latest bigint;
    alerts bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_derived')) THEN
        RETURN 0;
    END IF;
    DELETE FROM raceday.money_flow_latest l USING raceday.settings cfg
    WHERE l.event_timestamp < now() - cfg.history_retention;
    GET DIAGNOSTICS latest = ROW_COUNT;
    DELETE FROM raceday.race_alerts a USING raceday.settings cfg
    WHERE a.observed_at < now() - cfg.history_retention;
    GET DIAGNOSTICS alerts = ROW_COUNT;
    RETURN latest + alerts;
END
$$;
COMMENT ON FUNCTION raceday.prune_derived() IS
    'Deletes latest money-flow rows and alerts older than the history retention; returns how many.';

RESET ROLE;

SELECT cron.schedule('raceday-derived-retention', '37 3 * * *', 'SELECT raceday.prune_derived()');

COMMIT;
