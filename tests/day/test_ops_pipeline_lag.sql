-- ops.pipeline_lag on a simulated day that stopped just now: every race
-- still polled, once, soonest due first, overdue by the schedule's clock.
BEGIN;
SELECT plan(6);

SELECT cmp_ok((SELECT count(*) FROM ops.pipeline_lag), '>', 0::bigint, 'the day has races still polled');
SELECT is((SELECT count(*) FROM ops.pipeline_lag),
          (SELECT count(*) FROM raceday.poll_targets WHERE kind = 'event' AND next_poll_at IS NOT NULL),
          'every event target still scheduled is listed');
SELECT is((SELECT count(DISTINCT race_id) FROM ops.pipeline_lag), (SELECT count(*) FROM ops.pipeline_lag),
          'each race once');
SELECT is(ARRAY(SELECT due FROM ops.pipeline_lag), ARRAY(SELECT due FROM ops.pipeline_lag ORDER BY due),
          'soonest due first');
-- The pipeline stopped moments ago: what fell due since is overdue, the rest is not.
SELECT is((SELECT count(*) FILTER (WHERE overdue_by > interval '0') FROM ops.pipeline_lag),
          (SELECT count(*) FROM raceday.poll_targets
           WHERE kind = 'event' AND next_poll_at IS NOT NULL AND next_poll_at < raceday.clock()),
          'overdue: exactly the races due before now');
-- A race polled without failures is due again within its tier's interval.
SELECT is((SELECT count(*) FROM ops.pipeline_lag
           WHERE failures = 0 AND due > last_polled_at + raceday.poll_interval(status, start_time, last_polled_at)),
          0::bigint, 'no race waits longer than its polling interval');

SELECT * FROM finish();
ROLLBACK;
