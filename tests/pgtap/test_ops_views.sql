-- The ops views answer on a small known day: lag, failures, partitions,
-- cron jobs, fetch errors by status, freshness.
BEGIN;
SELECT plan(8);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Hastings', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status, last_poll_time) VALUES
    ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1,
     now() + interval '3 minutes', 'open', now() - interval '2 minutes'),
    ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-0000000000e1', 'R2', 2,
     now() + interval '90 minutes', 'open', now() - interval '1 minute');
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at, last_polled_at) VALUES
    ('00000000-0000-4000-8000-0000000000f1', 'event', '00000000-0000-4000-8000-0000000000f1',
     raceday.clock() - interval '45 seconds', raceday.clock() - interval '1 minute'),
    ('00000000-0000-4000-8000-0000000000f2', 'event', '00000000-0000-4000-8000-0000000000f2',
     raceday.clock() + interval '4 minutes', raceday.clock() - interval '1 minute');
INSERT INTO staging.raw_responses (kind, target, http_status, body, fetch_error, transform_error) VALUES
    ('event', 'ops-a', 200, '{"data": 1}', NULL, NULL),
    ('event', 'ops-b', 200, '{"data": 2}', NULL, NULL),
    ('event', 'ops-c', 200, '{"data": 3}', NULL, 'XX000: broken payload'),
    ('event', 'ops-d', 503, NULL, 'HTTP 503', NULL);

SELECT results_eq($$SELECT race_number, overdue_by > interval '40 seconds' FROM ops.pipeline_lag
                    WHERE meeting_name = 'Hastings' ORDER BY due$$,
                  $$VALUES (1, true), (2, false)$$, 'pipeline_lag: soonest due first, how far overdue');
SELECT results_eq($$SELECT target, failure, error FROM ops.failed_polls WHERE target LIKE 'ops-%' ORDER BY target$$,
                  $$VALUES ('ops-c'::text, 'quarantined'::text, 'XX000: broken payload'::text),
                           ('ops-d', 'fetch', 'HTTP 503')$$, 'failed_polls: fetch failures and quarantined polls with errors');
SELECT ok((SELECT count(*) > 0 AND bool_and(bounds LIKE 'FOR VALUES FROM%') FROM ops.partitions
           WHERE parent = 'raceday.money_flow_history'::regclass), 'partitions: each history partition with its bounds');
SELECT ok((SELECT bool_and(total_bytes > 0) FROM ops.partitions), 'partitions: sizes');
SELECT is(ARRAY(SELECT jobname::text FROM ops.cron_jobs),
          ARRAY['raceday-change-feed-retention', 'raceday-cron-history', 'raceday-derived-retention',
                'raceday-partitions', 'raceday-staging-retention', 'raceday-sweep'], 'cron_jobs: every raceday job');
SELECT results_eq($$SELECT status, responses, failed FROM ops.fetch_errors ORDER BY status$$,
                  $$VALUES ('200'::text, 3::bigint, 0::bigint), ('503', 1, 1)$$,
                  'fetch_errors: the last hour by status, with failures');
SELECT is((SELECT percent FROM ops.fetch_errors WHERE status = '200'), 75.0, 'fetch_errors: shares');
SELECT results_eq($$SELECT race_number, stale FROM ops.freshness WHERE meeting_name = 'Hastings' ORDER BY race_number$$,
                  $$VALUES (1, true), (2, false)$$,
                  'freshness: two minutes without news in the 15-second tier is stale, one in the 5-minute tier is not');

SELECT * FROM finish();
ROLLBACK;
