-- pg_cron housekeeping: the jobs are scheduled; partitions are made ahead,
-- detached past retention and dropped past the grace; staging is pruned
-- except for quarantined rows; the cron history is pruned.
BEGIN;
SELECT plan(11);

SELECT results_eq($$SELECT jobname::text, schedule::text, command, active FROM cron.job
                    WHERE jobname LIKE 'raceday-%' ORDER BY jobname$$,
    $$VALUES ('raceday-change-feed-retention', '50 14 * * *', 'SELECT raceday.prune_change_feed()', true),
             ('raceday-cron-history', '27 3 * * *', 'SELECT raceday.prune_cron_history()', true),
             ('raceday-derived-retention', '37 3 * * *', 'SELECT raceday.prune_derived()', true),
             ('raceday-partitions', '5 * * * *', 'SELECT raceday.maintain_partitions()', true),
             ('raceday-staging-retention', '17 3 * * *', 'SELECT raceday.prune_staging()', true),
             ('raceday-sweep', '* * * * *', 'SELECT raceday.sweep()', true)$$,
    'the housekeeping jobs are in cron.job');

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
SELECT matches(raceday.maintain_partitions(), 'dropped 2$', 'after the grace the detached partitions are dropped');
SELECT is(to_regclass('raceday.money_flow_history_' || to_char(raceday.nz_racing_day(now()) - 40, 'YYYYMMDD')), NULL,
          'gone');

-- Staging: old processed rows go, old quarantined rows stay.
INSERT INTO staging.raw_responses (kind, target, received_at, body, processed_at, transform_error) VALUES
    ('event', 'old-ok', now() - interval '8 days', '{"data": 1}', now(), NULL),
    ('event', 'old-bad', now() - interval '8 days', '{"data": 2}', now(), 'XX000: broken'),
    ('event', 'new-ok', now() - interval '1 day', '{"data": 3}', now(), NULL);
SELECT cmp_ok(raceday.prune_staging(), '>=', 1::bigint, 'staging retention deletes');
SELECT is(ARRAY(SELECT target FROM staging.raw_responses WHERE target IN ('old-ok', 'old-bad', 'new-ok') ORDER BY target),
          ARRAY['new-ok', 'old-bad'], 'the old processed row is gone, the quarantined one kept');

SELECT lives_ok('SELECT raceday.prune_cron_history()', 'the cron history prunes');

SELECT * FROM finish();
ROLLBACK;
