-- Deploy raceday:web_user to pg
-- requires: roles
-- Why: a request with a verified token runs as the role its `role` claim
-- names, as PostgREST does; web_user is the role of a signed-in user. It is
-- a member of web_anon, so it reads all the race data the anonymous client
-- reads, and is granted its own alert settings on top (grants). Like
-- web_anon it cannot log in: only the authenticator switches to it.

BEGIN;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'web_user') THEN
        CREATE ROLE web_user NOLOGIN;
    END IF;
END
$$;

GRANT web_anon TO web_user;
GRANT web_user TO authenticator;

-- The same bound as web_anon's: no API query holds a pooled connection for long.
ALTER ROLE web_user SET statement_timeout = '5s';

COMMIT;
