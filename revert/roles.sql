-- Revert raceday:roles from pg
-- Roles are shared by every database of the cluster: a role that another
-- database still uses is kept (with a notice) rather than failing the revert.

BEGIN;

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['authenticator', 'web_anon', 'raceday_fetcher', 'raceday_owner'] LOOP
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r);
        EXECUTE format('DROP OWNED BY %I', r);
        BEGIN
            EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'role % is still used by another database of this cluster; kept', r;
        END;
    END LOOP;
END
$$;

COMMIT;
