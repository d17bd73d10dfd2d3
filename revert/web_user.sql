-- Revert raceday:web_user from pg
-- A role is shared by every database of the cluster: one that another
-- database still uses is kept (with a notice), as the roles change does.

BEGIN;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'web_user') THEN
        DROP OWNED BY web_user;
        BEGIN
            DROP ROLE web_user;
        EXCEPTION WHEN dependent_objects_still_exist THEN
            RAISE NOTICE 'role web_user is still used by another database of this cluster; kept';
            ALTER ROLE web_user RESET statement_timeout;
        END;
    END IF;
END
$$;

COMMIT;
