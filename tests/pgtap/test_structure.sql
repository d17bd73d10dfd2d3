-- Structure of the base schema: tables, keys, partitioning, status checks.
BEGIN;
SELECT plan(33);

SELECT has_schema(s) FROM unnest(ARRAY['staging', 'raceday', 'api', 'ops']) AS s;
SELECT schema_owner_is(s, 'raceday_owner') FROM unnest(ARRAY['staging', 'raceday', 'api', 'ops']) AS s;

SELECT has_extension('plpython3u');
SELECT has_extension('pg_cron');

SELECT tables_are('raceday',
    ARRAY['meetings', 'races', 'entrants', 'race_pools', 'race_results',
          'money_flow_history', 'odds_history', 'settings', 'poll_targets', 'poll_quality', 'detached_partitions', 'archives',
          'alert_configs', 'alert_config_defaults', 'money_flow_latest', 'plpython_modules', 'race_alerts', 'change_feed']
    || ARRAY(SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)),
    'raceday holds the base tables and the history partitions, nothing else');
SELECT tables_are('staging', ARRAY['raw_responses']);

SELECT col_is_pk('raceday', 'meetings', 'meeting_id', 'meetings keyed by meeting_id');
SELECT col_is_pk('raceday', 'races', 'race_id', 'races keyed by race_id');
SELECT col_is_pk('raceday', 'entrants', 'entrant_id', 'entrants keyed by entrant_id');
SELECT col_is_pk('raceday', 'money_flow_history', ARRAY['id', 'event_timestamp'],
    'money_flow_history primary key includes the partition key');
SELECT col_is_pk('raceday', 'odds_history', ARRAY['id', 'event_timestamp'],
    'odds_history primary key includes the partition key');
SELECT col_is_unique('raceday', 'money_flow_history', ARRAY['race_id', 'entrant_id', 'event_timestamp'],
    'one money-flow row per runner per observation');
SELECT col_is_unique('raceday', 'odds_history', ARRAY['race_id', 'entrant_id', 'odds_type', 'event_timestamp'],
    'one odds row per runner, type and observation (history_indexes)');
SELECT fk_ok('raceday', 'races', 'meeting_id', 'raceday', 'meetings', 'meeting_id');
SELECT fk_ok('raceday', 'entrants', 'race_id', 'raceday', 'races', 'race_id');

SELECT is((SELECT partstrat::text || ':' || pg_get_partkeydef(partrelid)
           FROM pg_partitioned_table WHERE partrelid = 'raceday.money_flow_history'::regclass),
          'r:RANGE (event_timestamp)', 'money_flow_history is range-partitioned on event_timestamp');
SELECT is((SELECT partstrat::text || ':' || pg_get_partkeydef(partrelid)
           FROM pg_partitioned_table WHERE partrelid = 'raceday.odds_history'::regclass),
          'r:RANGE (event_timestamp)', 'odds_history is range-partitioned on event_timestamp');

SELECT col_type_is('raceday', 'money_flow_history', 'time_interval', 'numeric(5,1)',
    'time_interval is numeric so -0.5 survives');
SELECT col_type_is('raceday', 'entrants', 'win_pool_amount', 'bigint', 'money is integer cents');
SELECT col_type_is('raceday', 'race_pools', 'total_race_pool', 'bigint', 'pools are integer cents');

-- Statuses are lower case, and only TAB's five.
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Addington', 'NZ', 'H', '2026-07-17');
SELECT lives_ok($$
    INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
    VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
            'Race 1', 1, '2026-07-17 06:00Z', 'interim') $$, 'a lower-case status is accepted');
SELECT throws_ok($$
    INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
    VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001',
            'Race 2', 2, '2026-07-17 06:30Z', 'Final') $$, '23514', NULL, 'TAB''s title case is refused');

SELECT has_trigger('raceday', t, 'touch_updated_at', t || ' maintains updated_at')
FROM unnest(ARRAY['meetings', 'races', 'entrants', 'race_pools', 'race_results']) AS t;

SELECT * FROM finish();
ROLLBACK;
