-- Deploy raceday:housekeeping to pg
-- requires: reprocess ensure_history_partitions settings extensions
-- Why: pg_cron keeps the house, never the polling rhythm (its timing drifts
-- and overlapping runs queue). Each job is one function that takes an
-- advisory lock first, so a slow run makes the next a no-op instead of a
-- pile-up:
--   raceday-partitions        hourly: partitions for today + 7 days; history
--                             older than the retention detached, and dropped
--                             once detached longer than the grace
--   raceday-sweep             every minute: retry unprocessed or quarantined polls
--   raceday-staging-retention daily: delete processed raw responses past retention
--   raceday-cron-history      daily: prune cron.job_run_details

BEGIN;

ALTER TABLE raceday.settings
    ADD COLUMN history_retention interval NOT NULL DEFAULT '30 days' CHECK (history_retention >= '1 day'),
    ADD COLUMN detach_grace interval NOT NULL DEFAULT '7 days' CHECK (detach_grace >= '0'),
    ADD COLUMN staging_retention interval NOT NULL DEFAULT '7 days' CHECK (staging_retention >= '1 day'),
    ADD COLUMN cron_history_retention interval NOT NULL DEFAULT '7 days' CHECK (cron_history_retention >= '1 hour');
COMMENT ON COLUMN raceday.settings.history_retention IS 'History partitions older than this are detached.';
COMMENT ON COLUMN raceday.settings.detach_grace IS 'Detached history partitions are dropped after this long.';
COMMENT ON COLUMN raceday.settings.staging_retention IS 'Processed raw responses older than this are deleted.';

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.detached_partitions (
    name        text PRIMARY KEY,
    parent      text NOT NULL,
    detached_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.detached_partitions IS
    'History partitions detached by retention, waiting out the grace before they are dropped.';

CREATE FUNCTION raceday.maintain_partitions() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    today date := raceday.nz_racing_day(now());
    cfg raceday.settings;
    part record;
    made integer;
    detached integer := 0;
    dropped integer := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.maintain_partitions')) THEN
        RETURN 'busy';
    END IF;
    SELECT * INTO cfg FROM raceday.settings;
    made := raceday.ensure_history_partitions(today, today + 7);
    FOR part IN
        SELECT c.relname, p.relname AS parent
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)
          AND c.relname ~ '_\d{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') < raceday.nz_racing_day(now() - cfg.history_retention)
    LOOP
        EXECUTE format('ALTER TABLE raceday.%I DETACH PARTITION raceday.%I', part.parent, part.relname);
        INSERT INTO raceday.detached_partitions (name, parent) VALUES (part.relname, part.parent)
        ON CONFLICT (name) DO NOTHING;
        detached := detached + 1;
    END LOOP;
    FOR part IN
        SELECT d.name FROM raceday.detached_partitions d WHERE d.detached_at < now() - cfg.detach_grace
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS raceday.%I', part.name);
        DELETE FROM raceday.detached_partitions WHERE name = part.name;
        dropped := dropped + 1;
    END LOOP;
    RETURN format('made %s, detached %s, dropped %s', made, detached, dropped);
END
$$;
COMMENT ON FUNCTION raceday.maintain_partitions() IS
    'Partitions for today + 7 NZ days; detaches history past retention; drops detached partitions past the grace.';

CREATE FUNCTION raceday.prune_staging() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_staging')) THEN
        RETURN 0;
    END IF;
    -- Quarantined rows stay until they are fixed: they are the evidence.
    DELETE FROM staging.raw_responses s
    USING raceday.settings cfg
    WHERE s.received_at < now() - cfg.staging_retention
      AND (s.body IS NULL OR s.processed_at IS NOT NULL AND s.transform_error IS NULL);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
COMMENT ON FUNCTION raceday.prune_staging() IS 'Deletes processed raw responses older than the staging retention.';

CREATE FUNCTION raceday.prune_cron_history() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.prune_cron_history')) THEN
        RETURN 0;
    END IF;
    DELETE FROM cron.job_run_details d USING raceday.settings cfg
    WHERE d.end_time < now() - cfg.cron_history_retention;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
COMMENT ON FUNCTION raceday.prune_cron_history() IS 'Deletes pg_cron run records older than their retention.';

RESET ROLE;

-- Jobs run as the deploying superuser; the functions run as their owner.
SELECT cron.schedule('raceday-partitions', '5 * * * *', 'SELECT raceday.maintain_partitions()');
SELECT cron.schedule('raceday-sweep', '* * * * *', 'SELECT raceday.sweep()');
SELECT cron.schedule('raceday-staging-retention', '17 3 * * *', 'SELECT raceday.prune_staging()');
SELECT cron.schedule('raceday-cron-history', '27 3 * * *', 'SELECT raceday.prune_cron_history()');

COMMIT;
