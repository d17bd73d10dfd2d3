-- The api schema: only views and functions, owned by a non-superuser, all
-- readable by web_anon but alert settings (a signed-in user's: web_user),
-- and nothing else; the views' shapes and values.
BEGIN;
SELECT plan(16 + (SELECT count(*)::int FROM pg_class WHERE relnamespace = 'api'::regnamespace));

SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace AND c.relkind <> 'v'),
          ARRAY[]::text[], 'api holds views only (and functions)');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner
                WHERE c.relnamespace = 'api'::regnamespace AND (o.rolsuper OR o.rolname <> 'raceday_owner')),
          ARRAY[]::text[], 'every api view is owned by raceday_owner, not a superuser');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = 'api'::regnamespace AND NOT has_table_privilege('web_anon', c.oid, 'SELECT')),
          ARRAY['alert_configs'], 'web_anon can read every api view but the saved alert settings');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = 'api'::regnamespace
                  AND has_table_privilege('web_anon', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')),
          ARRAY[]::text[], 'and write none');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'api'::regnamespace AND has_function_privilege('public', p.oid, 'EXECUTE')),
          ARRAY[]::text[], 'no api function is executable by PUBLIC');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace = 'api'::regnamespace AND NOT has_function_privilege('web_anon', p.oid, 'EXECUTE')
                ORDER BY 1),
          ARRAY['api.alert_configs()', 'api.reset_alert_configs()', 'api.save_alert_configs(jsonb,boolean)'],
          'web_anon can execute every api function but the alert settings'' (web_user''s)');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.pronamespace IN ('raceday'::regnamespace, 'staging'::regnamespace)
                  AND has_function_privilege('web_anon', p.oid, 'EXECUTE')),
          ARRAY[]::text[], 'web_anon can execute no raceday or staging function');
SELECT lives_ok('SET LOCAL ROLE web_anon; SELECT count(*) FROM api.money_flow_timeline; RESET ROLE',
                'web_anon reads a view over tables it cannot read itself');

-- A meeting of two races, one final; a runner with two polls in bucket 5.
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Addington', 'NZ', 'H', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status, type) VALUES
    ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1, now() - interval '1 hour', 'final', 'H'),
    ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-0000000000e1', 'R2', 2, now() + interval '6 minutes', 'open', 'H');
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number, barrier)
VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000f2', 'Alpha', 1, 'Fr1');
INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                        win_pool_amount, incremental_win_amount, incremental_amount, event_timestamp,
                                        polling_timestamp)
VALUES ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-00000000000a', 1, 10, 10.5, '2m', 100, 100, 100,
        now() - interval '4 minutes', now()),
       ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-00000000000a', 2, 5, 6.5, '2m', 150, 50, 50,
        now() - interval '30 seconds', now()),
       ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-00000000000a', 3, 5, 5.5, '2m', 170, 70, 70,
        now() - interval '1 second', now());

-- Privileges on what a view uses are checked when it runs, as web_anon for
-- the functions it calls: every view must really run for web_anon (for
-- web_user, the saved alert settings only it reads).
SELECT lives_ok(format('SET LOCAL ROLE %I; SELECT * FROM api.%I LIMIT 1; RESET ROLE', r.role, c.relname),
                r.role || ' runs api.' || c.relname)
FROM pg_class c
CROSS JOIN LATERAL (SELECT CASE WHEN has_table_privilege('web_anon', c.oid, 'SELECT') THEN 'web_anon'
                                ELSE 'web_user' END AS role) r
WHERE c.relnamespace = 'api'::regnamespace ORDER BY c.relname;

SELECT results_eq($$SELECT race_type, status, total_races, finalized_races, is_completed, first_race_time
                    FROM api.meetings WHERE meeting_id = '00000000-0000-4000-8000-0000000000e1'$$,
    $$SELECT 'harness'::text, 'active'::text, 2::bigint, 1::bigint, false,
             (SELECT start_time FROM raceday.races WHERE race_number = 1)$$,
    'meetings: race type, derived status, race counts, first race time');
SELECT results_eq($$SELECT meeting_name, race_type, status FROM api.races WHERE race_number = 2$$,
    $$VALUES ('Addington'::text, 'harness'::text, 'open'::text)$$, 'races carry the meeting name and race type');
SELECT results_eq($$SELECT time_interval, win_pool_amount, incremental_amount FROM api.money_flow_timeline
                    WHERE race_id = '00000000-0000-4000-8000-0000000000f2' ORDER BY time_interval DESC$$,
    $$VALUES (10.0::numeric, 100::bigint, 100::bigint), (5.0, 170, 70)$$,
    'the timeline has the latest row of each bucket');
SELECT is((SELECT count(*) FROM api.money_flow_timeline
           WHERE id > (SELECT min(id) FROM raceday.money_flow_history)), 1::bigint,
          'paging by id returns the newer row once');
SELECT is(pg_typeof(start_time)::text, 'timestamp with time zone', 'times are timestamptz (served with an offset)')
FROM api.races LIMIT 1;
SELECT results_eq($$SELECT race_id, quarantined_polls FROM api.pipeline_status ORDER BY start_time$$,
    $$VALUES ('00000000-0000-4000-8000-0000000000f1'::uuid, 0::bigint), ('00000000-0000-4000-8000-0000000000f2', 0)$$,
    'pipeline status lists each race');
SELECT is((SELECT count(*) FROM api.races WHERE start_time < now() - interval '30 days'), 0::bigint,
          'nothing older than the 30-day window');
SELECT ok((SELECT obj_description(c.oid) IS NOT NULL FROM pg_class c WHERE c.oid = 'api.money_flow_timeline'::regclass),
          'api views are commented');

SELECT * FROM finish();
ROLLBACK;
