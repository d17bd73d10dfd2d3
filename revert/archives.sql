-- Revert raceday:archives from pg
-- The retention functions as housekeeping (with security_definer_search_path) left them.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP VIEW ops.archives;

CREATE OR REPLACE FUNCTION raceday.maintain_partitions() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
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

CREATE OR REPLACE FUNCTION raceday.prune_staging() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
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

DROP FUNCTION raceday.archive_problem(date, text, bigint);
DROP TABLE raceday.archives;

COMMIT;
