-- Deploy raceday:roles to pg
-- Why: one role per kind of access (ARCHITECTURE.md "Roles"). Roles belong to
-- the cluster, not the database, so they are created only when missing: a
-- second raceday database on the same cluster, or a redeploy, reuses them.
-- Passwords are secrets of each deployment and are set outside sqitch.
-- Every privilege is granted in one place: the grants change.

BEGIN;

DO $$
BEGIN
    -- Owns every raceday object. Deploys connect as a superuser (extensions
    -- and untrusted-language functions need one) and SET ROLE to it, so no
    -- object is owned by a superuser and views check privileges as this role.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'raceday_owner') THEN
        CREATE ROLE raceday_owner NOLOGIN;
    END IF;
    -- The fetcher process: may only call the claim and ingest functions.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'raceday_fetcher') THEN
        CREATE ROLE raceday_fetcher LOGIN;
    END IF;
    -- What PostgREST (or the gateway) logs in as; it holds no privilege of
    -- its own (NOINHERIT) and switches to web_anon for each request.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT;
    END IF;
    -- The anonymous web client: the api schema and nothing else.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'web_anon') THEN
        CREATE ROLE web_anon NOLOGIN;
    END IF;
END
$$;

GRANT web_anon TO authenticator;

-- A runaway API query must not hold a connection of the pool: PostgREST
-- applies the impersonated role's settings on every request.
ALTER ROLE web_anon SET statement_timeout = '5s';
ALTER ROLE authenticator SET statement_timeout = '5s';

COMMIT;
