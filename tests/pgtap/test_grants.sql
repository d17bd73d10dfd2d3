-- Privileges: web_anon uses only api; the fetcher reads no raceday table;
-- nobody but the owner reads staging.
BEGIN;
SELECT plan(24);

SELECT is(ARRAY(SELECT nspname::text FROM pg_namespace
                WHERE has_schema_privilege('web_anon', oid, 'USAGE')
                  AND nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1),
          ARRAY['api'], 'web_anon can use the api schema and no other');
SELECT is(ARRAY(SELECT nspname::text FROM pg_namespace
                WHERE has_schema_privilege('authenticator', oid, 'USAGE')
                  AND nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1),
          ARRAY[]::text[], 'authenticator itself can use no schema (NOINHERIT)');
SELECT ok(pg_has_role('authenticator', 'web_anon', 'MEMBER'), 'authenticator may switch to web_anon');
SELECT ok(pg_has_role('authenticator', 'web_user', 'MEMBER'), 'authenticator may switch to web_user (a verified token)');
SELECT is(ARRAY(SELECT nspname::text FROM pg_namespace
                WHERE has_schema_privilege('web_user', oid, 'USAGE')
                  AND nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1),
          ARRAY['api'], 'web_user can use the api schema and no other');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                WHERE c.relnamespace IN ('raceday'::regnamespace, 'staging'::regnamespace, 'ops'::regnamespace)
                  AND has_table_privilege('web_user', c.oid, 'SELECT, INSERT, UPDATE, DELETE')),
          ARRAY[]::text[], 'web_user has no privilege on any table or view of raceday, staging or ops');
SELECT is((SELECT setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
           WHERE r.rolname = 'web_anon' AND s.setdatabase = 0),
          ARRAY['statement_timeout=5s'], 'web_anon has a statement timeout');

SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'raceday' AND c.relkind IN ('r', 'p', 'v', 'm')
                  AND has_table_privilege('raceday_fetcher', c.oid, 'SELECT, INSERT, UPDATE, DELETE')),
          ARRAY[]::text[], 'raceday_fetcher has no privilege on any raceday table');

SELECT is(ARRAY(SELECT r.rolname::text FROM pg_roles r
                -- pg_* are PostgreSQL's predefined roles (pg_read_all_data...), granted by
                -- a superuser only; none is granted to a raceday role.
                WHERE NOT r.rolsuper AND r.rolname <> 'raceday_owner' AND r.rolname !~ '^pg_'
                  AND (has_schema_privilege(r.oid, 'staging', 'USAGE')
                       OR has_table_privilege(r.oid, 'staging.raw_responses', 'SELECT'))
                ORDER BY 1),
          ARRAY[]::text[], 'no role but the owner (and superusers) can read staging');
SELECT is(ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                JOIN pg_roles b ON b.oid = m.member WHERE g.rolname ~ '^pg_' AND b.rolname ~ '^(raceday|web_anon|authenticator)'),
          ARRAY[]::text[], 'no raceday role holds a predefined role such as pg_read_all_data');

SELECT ok(NOT has_database_privilege('public', current_database(), 'CONNECT'), 'PUBLIC cannot connect');
SELECT ok(has_database_privilege('raceday_fetcher', current_database(), 'CONNECT'), 'the fetcher can connect');
SELECT ok(NOT has_function_privilege('public', 'raceday.ensure_history_partitions(date, date)', 'EXECUTE'),
    'raceday functions are not executable by PUBLIC');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'raceday'::regnamespace
                  AND has_function_privilege('raceday_fetcher', p.oid, 'EXECUTE') ORDER BY 1),
          ARRAY['raceday.claim_due_polls(text,integer)',
                'raceday.ingest_event(text,text,timestamp with time zone,jsonb)',
                'raceday.ingest_failure(text,text,timestamp with time zone,jsonb)',
                'raceday.ingest_meetings(text,timestamp with time zone,jsonb)',
                'raceday.release_polls(text)'],
          'the fetcher executes the claim functions and the text ingest functions, nothing else');

-- The same, observed by the roles themselves (the role switch is undone with
-- the error, so pgTAP, which web_anon cannot see, keeps working).
SELECT throws_ok('SET LOCAL ROLE web_anon; SELECT count(*) FROM raceday.races',
    '42501', NULL, 'web_anon cannot read raceday.races');
SELECT throws_ok('SET LOCAL ROLE web_anon; SELECT count(*) FROM staging.raw_responses',
    '42501', NULL, 'web_anon cannot read staging');
SELECT throws_ok('SET LOCAL ROLE web_anon; SELECT raceday.clock()',
    '42501', NULL, 'web_anon cannot call a raceday function');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace IN ('raceday'::regnamespace, 'staging'::regnamespace, 'ops'::regnamespace,
                                         'cron'::regnamespace)
                  AND has_function_privilege('web_anon', p.oid, 'EXECUTE')),
          ARRAY[]::text[], 'web_anon can execute no function of raceday, staging, ops or cron');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                WHERE c.relnamespace IN ('raceday'::regnamespace, 'staging'::regnamespace, 'ops'::regnamespace)
                  AND has_table_privilege('web_anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')),
          ARRAY[]::text[], 'web_anon has no privilege on any table or view of raceday, staging or ops');
SELECT throws_ok('SET LOCAL ROLE raceday_fetcher; SELECT count(*) FROM staging.raw_responses',
    '42501', NULL, 'the fetcher cannot read staging');
SELECT throws_ok('SET LOCAL ROLE raceday_fetcher; SELECT count(*) FROM raceday.entrants',
    '42501', NULL, 'the fetcher cannot read entrants');

-- The metrics exporter: one function, run as its owner; no table, no view.
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace IN ('raceday'::regnamespace, 'staging'::regnamespace, 'ops'::regnamespace,
                                         'api'::regnamespace, 'cron'::regnamespace)
                  AND has_function_privilege('raceday_monitor', p.oid, 'EXECUTE')),
          ARRAY['ops.pipeline_metrics()'], 'the exporter executes ops.pipeline_metrics() and nothing else');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                WHERE c.relnamespace IN ('raceday'::regnamespace, 'staging'::regnamespace, 'ops'::regnamespace,
                                         'api'::regnamespace)
                  AND has_table_privilege('raceday_monitor', c.oid, 'SELECT, INSERT, UPDATE, DELETE')),
          ARRAY[]::text[], 'the exporter has no privilege on any table or view');
SELECT throws_ok('SET LOCAL ROLE raceday_monitor; SELECT count(*) FROM ops.failed_polls',
    '42501', NULL, 'the exporter cannot read an ops view');

SELECT * FROM finish();
ROLLBACK;
