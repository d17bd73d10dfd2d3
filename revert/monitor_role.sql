-- Revert raceday:monitor_role from pg
-- A role another database of the cluster still uses is kept (with a
-- notice), as the roles change's revert does.

BEGIN;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'raceday_monitor') THEN
        DROP OWNED BY raceday_monitor;
        BEGIN
            DROP ROLE raceday_monitor;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'role raceday_monitor is still used by another database of this cluster; kept';
        END;
    END IF;
END
$$;

COMMIT;
