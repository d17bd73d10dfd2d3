-- Deploy raceday:schemas to pg
-- requires: roles
-- Why: one schema per audience. staging holds raw TAB responses (owner
-- only); raceday the derived tables and functions; api the client contract
-- (views and functions only, served over HTTP); ops views for psql.
-- Created by the deploying superuser on the owner's behalf: raceday_owner
-- needs no CREATE privilege on the database itself.

BEGIN;

CREATE SCHEMA staging AUTHORIZATION raceday_owner;
COMMENT ON SCHEMA staging IS 'Raw TAB responses exactly as received, before any transform; readable by the owner only.';
CREATE SCHEMA raceday AUTHORIZATION raceday_owner;
COMMENT ON SCHEMA raceday IS 'Meetings, races, runners, pools, results and history derived from staging.';
CREATE SCHEMA api AUTHORIZATION raceday_owner;
COMMENT ON SCHEMA api IS 'The client contract: views and functions served by PostgREST; nothing else.';
CREATE SCHEMA ops AUTHORIZATION raceday_owner;
COMMENT ON SCHEMA ops IS 'Views for people investigating the pipeline with psql.';

COMMIT;
