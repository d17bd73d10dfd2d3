-- ops.failed_polls on a simulated day with faults: every failed fetch and
-- every quarantined poll, newest first, each with its error.
BEGIN;
SELECT plan(6);

SELECT is((SELECT count(*) FROM ops.failed_polls),
          (SELECT count(*) FROM staging.raw_responses
           WHERE (fetch_error IS NOT NULL OR transform_error IS NOT NULL) AND received_at >= now() - interval '24 hours'),
          'every failed or quarantined response of the last day');
SELECT is(ARRAY(SELECT DISTINCT failure FROM ops.failed_polls ORDER BY 1), ARRAY['fetch', 'quarantined'],
          'both kinds of failure occurred and are told apart');
SELECT ok((SELECT bool_and(error IS NOT NULL AND error <> '') FROM ops.failed_polls), 'each with its error');
SELECT ok((SELECT bool_and(error ~ '^[0-9A-Z]{5}: ') FROM ops.failed_polls WHERE failure = 'quarantined'),
          'a quarantined poll''s error starts with its SQLSTATE');
SELECT ok((SELECT bool_and(error = 'HTTP ' || http_status) FROM ops.failed_polls WHERE http_status >= 500),
          'a 5xx answer is a fetch failure naming its status');
SELECT is(ARRAY(SELECT received_at FROM ops.failed_polls),
          ARRAY(SELECT received_at FROM ops.failed_polls ORDER BY received_at DESC), 'newest first');

SELECT * FROM finish();
ROLLBACK;
