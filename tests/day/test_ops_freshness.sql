-- ops.freshness on a simulated day that stopped just now: the races still
-- running, the age of their latest observation against their interval,
-- and their latest quality score.
BEGIN;
SELECT plan(5);

SELECT is((SELECT count(*) FROM ops.freshness),
          (SELECT count(*) FROM raceday.races WHERE status IN ('open', 'closed', 'interim')
             AND start_time BETWEEN now() - interval '1 day' AND now() + interval '1 day'),
          'every running race of the day');
SELECT cmp_ok((SELECT count(*) FROM ops.freshness), '>', 0::bigint, 'the day has running races');
SELECT is(ARRAY(SELECT start_time FROM ops.freshness), ARRAY(SELECT start_time FROM ops.freshness ORDER BY 1),
          'soonest start first');
SELECT ok((SELECT bool_and(stale = (age > 2 * expected_every)) FROM ops.freshness),
          'stale: older than twice the race''s polling interval');
SELECT ok((SELECT bool_and(f.quality_score IS NOT DISTINCT FROM
                           (SELECT q.score FROM raceday.poll_quality q WHERE q.race_id = f.race_id
                            ORDER BY q.observed_at DESC LIMIT 1))
           FROM ops.freshness f), 'each with the score of its latest poll');

SELECT * FROM finish();
ROLLBACK;
