-- pg_cron housekeeping: the jobs are scheduled, the daily ones at night in
-- New Zealand, and run as the owner, never a superuser; partitions are made
-- ahead, detached past retention and dropped past the grace; staging is
-- pruned except for quarantined rows; nothing goes that a verified archive
-- does not hold (raceday.archives); the cron history is pruned by the
-- cron-history job itself, run as pg_cron runs it.
BEGIN;
SELECT plan(19);

SELECT results_eq($$SELECT jobname::text, schedule::text, command, active FROM cron.job
                    WHERE jobname LIKE 'raceday-%' ORDER BY jobname$$,
    $$VALUES ('raceday-change-feed-retention', '50 14 * * *', 'SELECT raceday.prune_change_feed()', true),
             ('raceday-cron-history', '27 15 * * *', 'SELECT raceday.prune_cron_history()', true),
             ('raceday-derived-retention', '37 15 * * *', 'SELECT raceday.prune_derived()', true),
             ('raceday-partitions', '5 * * * *', 'SELECT raceday.maintain_partitions()', true),
             ('raceday-staging-retention', '17 15 * * *', 'SELECT raceday.prune_staging()', true),
             ('raceday-sweep', '* * * * *', 'SELECT raceday.sweep()', true)$$,
    'the housekeeping jobs are in cron.job');
SELECT is(current_setting('cron.timezone'), 'GMT', 'schedules are in GMT');
-- Daily jobs between 01:00 and 05:59 in New Zealand, in winter (NZST) and in summer (NZDT).
SELECT is(ARRAY(SELECT jobname::text FROM cron.job, LATERAL (SELECT split_part(schedule, ' ', 2)::int AS gmt_hour) h
                WHERE jobname LIKE 'raceday-%' AND schedule ~ '^\d+ \d+ \* \* \*$'
                  AND NOT ((gmt_hour + 12) % 24 BETWEEN 1 AND 5 AND (gmt_hour + 13) % 24 BETWEEN 1 AND 5)
                ORDER BY 1),
          '{}'::text[], 'every daily job runs between 01:00 and 05:59 NZ, NZST and NZDT');
SELECT is((SELECT count(*) FROM cron.job WHERE jobname LIKE 'raceday-%' AND schedule ~ '^\d+ \d+ \* \* \*$'), 4::bigint,
          'four daily jobs');
SELECT is(ARRAY(SELECT DISTINCT username FROM cron.job WHERE jobname LIKE 'raceday-%'), ARRAY['raceday_owner'],
          'every job runs as the owner');
SELECT ok((SELECT NOT rolsuper AND rolcanlogin FROM pg_roles WHERE rolname = 'raceday_owner'),
          'who is no superuser, and may log in, as pg_cron requires of a job''s user');

-- An old day beyond the 30-day retention, with a row in it.
SELECT is(raceday.ensure_history_partitions(raceday.nz_racing_day(now()) - 40, raceday.nz_racing_day(now()) - 40), 2,
          'an old day''s partitions exist');
SELECT matches(raceday.maintain_partitions(), '^made \d+, detached 2, dropped 0$', 'maintenance detaches the old day');
SELECT is((SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass(
              'raceday.money_flow_history_' || to_char(raceday.nz_racing_day(now()) - 40, 'YYYYMMDD'))), 0::bigint,
          'the old partition is no longer attached');
SELECT isnt(to_regclass('raceday.money_flow_history_' || to_char(raceday.nz_racing_day(now()) - 40, 'YYYYMMDD')), NULL,
            'but still exists during the grace');
SELECT ok(to_regclass('raceday.odds_history_' || to_char(raceday.nz_racing_day(now()) + 7, 'YYYYMMDD')) IS NOT NULL,
          'the days ahead exist');
UPDATE raceday.settings SET detach_grace = '0';
UPDATE raceday.detached_partitions SET detached_at = now() - interval '1 second';
SELECT matches(raceday.maintain_partitions(), 'dropped 0, kept 2 without a verified archive$',
               'past the grace, detached partitions without an archive are kept');
INSERT INTO raceday.archives (day, kind, path, rows, bytes, raw_bytes, sha256, verified_at)
SELECT raceday.nz_racing_day(now()) - 40, k, k || '/old.copy.zst', 0, 9, 0, repeat('a', 64), v
FROM (VALUES ('money_flow_history', now()), ('odds_history', NULL)) a(k, v);
SELECT matches(raceday.maintain_partitions(), 'dropped 1, kept 1 without a verified archive$',
               'one whose archive is verified is dropped, one whose archive is not is kept');
UPDATE raceday.archives SET verified_at = now();
SELECT matches(raceday.maintain_partitions(), 'dropped 1$', 'once verified, it goes too');
SELECT is(to_regclass('raceday.money_flow_history_' || to_char(raceday.nz_racing_day(now()) - 40, 'YYYYMMDD')), NULL,
          'gone');

-- Staging: old processed rows go, old quarantined rows stay.
INSERT INTO staging.raw_responses (kind, target, received_at, body, processed_at, transform_error) VALUES
    ('event', 'old-ok', now() - interval '8 days', '{"data": 1}', now(), NULL),
    ('event', 'old-bad', now() - interval '8 days', '{"data": 2}', now(), 'XX000: broken'),
    ('event', 'new-ok', now() - interval '1 day', '{"data": 3}', now(), NULL);
SELECT throws_like('SELECT raceday.prune_staging()', '%raw of ' || (raceday.nz_racing_day(now() - interval '8 days'))
                   || ' has no archive%', 'staging retention refuses a day no archive holds');
INSERT INTO raceday.archives (day, kind, path, rows, bytes, raw_bytes, sha256, verified_at)
SELECT raceday.nz_racing_day(received_at), 'raw', 'raw/old.copy.zst', count(*), 9, 9, repeat('a', 64), now()
FROM staging.raw_responses WHERE received_at < now() - interval '7 days' GROUP BY 1;
SELECT cmp_ok(raceday.prune_staging(), '>=', 1::bigint, 'staging retention deletes what a verified archive holds');
SELECT is(ARRAY(SELECT target FROM staging.raw_responses WHERE target IN ('old-ok', 'old-bad', 'new-ok') ORDER BY target),
          ARRAY['new-ok', 'old-bad'], 'the old processed row is gone, the quarantined one kept');

-- The cron history: pg_cron records each run under the job's user. An old
-- run and a recent one of the sweep; the cron-history job's own command,
-- run as the job's user (as pg_cron runs it), removes the old one only.
CREATE PROCEDURE pg_temp.run_job(job_name text) LANGUAGE plpgsql AS $$
DECLARE
    j record;
BEGIN
    SELECT username, command INTO STRICT j FROM cron.job WHERE jobname = job_name;
    EXECUTE format('SET LOCAL ROLE %I', j.username);
    EXECUTE j.command;
    RESET ROLE;
END
$$;
INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message,
                                  start_time, end_time)
SELECT jobid, -v.n, 1, database, username, command, 'succeeded', 'SELECT 1', now() - v.age, now() - v.age
FROM cron.job, (VALUES (1, interval '8 days'), (2, interval '1 hour')) v(n, age)
WHERE jobname = 'raceday-sweep';
CALL pg_temp.run_job('raceday-cron-history');
SELECT is(ARRAY(SELECT -runid FROM cron.job_run_details WHERE runid < 0 ORDER BY 1), ARRAY[2::bigint],
          'the cron-history job, run as its user, prunes a raceday job''s run older than the retention, not a recent one');

SELECT * FROM finish();
ROLLBACK;
