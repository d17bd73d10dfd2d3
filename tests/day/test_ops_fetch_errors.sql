-- ops.fetch_errors on a simulated day with faults: the last hour's
-- responses by HTTP status, with shares and failures; nothing dated after
-- now counts (a clock set wrong).
BEGIN;
SELECT plan(7);

INSERT INTO staging.raw_responses (kind, target, http_status, body, fetch_error, received_at) VALUES
    ('event', 'future-a', 200, '{"data": 1}', NULL, now() + interval '5 minutes'),
    ('event', 'future-b', 418, NULL, 'HTTP 418', now() + interval '1 day');

SELECT is((SELECT sum(responses) FROM ops.fetch_errors),
          (SELECT count(*) FROM staging.raw_responses
           WHERE received_at BETWEEN now() - interval '1 hour' AND now())::numeric,
          'every response of the last hour, once');
SELECT ok((SELECT NOT ('418' = ANY(array_agg(status))) FROM ops.fetch_errors), 'none dated after now');
SELECT ok((SELECT array_agg(status) @> ARRAY['200', '429', '500', '503'] FROM ops.fetch_errors),
          'the statuses the simulator answered with');
SELECT ok((SELECT abs(sum(percent) - 100) < 0.5 FROM ops.fetch_errors), 'shares add up to 100 %');
SELECT ok((SELECT bool_and(failed = responses AND last_error = 'HTTP ' || status) FROM ops.fetch_errors
           WHERE status IN ('429', '500', '503')), 'a 429 or 5xx is always a failure, named by its status');
-- A 200 fails only when its body is not JSON.
SELECT is((SELECT failed FROM ops.fetch_errors WHERE status = '200'),
          (SELECT count(*) FROM staging.raw_responses
           WHERE http_status = 200 AND fetch_error LIKE 'invalid JSON%'
             AND received_at BETWEEN now() - interval '1 hour' AND now()),
          'a 200 fails when its body is not JSON');
SELECT is(ARRAY(SELECT responses FROM ops.fetch_errors), ARRAY(SELECT responses FROM ops.fetch_errors ORDER BY 1 DESC),
          'most frequent first');

SELECT * FROM finish();
ROLLBACK;
