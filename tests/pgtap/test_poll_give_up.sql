-- Polling gives up on a target that TAB answers 404 again and again, and on
-- a race long past its start without a final result; an operator stops and
-- resumes any target by hand; ops.stopped_targets says which and why.
BEGIN;
SELECT plan(28);

DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-17 04:00Z', clock_real = now(), clock_speed = 1;
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000c1', 'Riccarton', 'NZ', 'T', '2026-07-17');
-- R1 404s (it went off 2 h ago); R2 went off 6 h 1 min ago and is still
-- interim; R3 went off 5 h ago; R4 went off 90 min ago; R5 jumps in 3 min.
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
VALUES ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000c1', 'R1', 1,
        raceday.clock() - interval '2 hours', 'open'),
       ('00000000-0000-4000-8000-0000000000d5', '00000000-0000-4000-8000-0000000000c1', 'R5', 5,
        raceday.clock() + interval '3 minutes', 'open'),
       ('00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-0000000000c1', 'R2', 2,
        raceday.clock() - interval '6 hours 1 minute', 'interim'),
       ('00000000-0000-4000-8000-0000000000d3', '00000000-0000-4000-8000-0000000000c1', 'R3', 3,
        raceday.clock() - interval '5 hours', 'closed'),
       ('00000000-0000-4000-8000-0000000000d4', '00000000-0000-4000-8000-0000000000c1', 'R4', 4,
        raceday.clock() - interval '90 minutes', 'open');
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
SELECT race_id::text, 'event', race_id, raceday.clock() FROM raceday.races;

CREATE PROCEDURE pg_temp.fail(target text, status integer) LANGUAGE sql AS $$
    SELECT raceday.ingest_failure('event', target, now(),
                                  jsonb_build_object('http_status', status, 'error', 'HTTP ' || status))
$$;
CREATE FUNCTION pg_temp.target(id text) RETURNS raceday.poll_targets LANGUAGE sql AS $$
    SELECT * FROM raceday.poll_targets t WHERE t.target = id
$$;

-- Repeated 404s.
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 503);
SELECT is((pg_temp.target('00000000-0000-4000-8000-0000000000d1')).not_found, 0,
          'another failure ends a run of 404s');
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
UPDATE raceday.poll_targets SET failures = 0 WHERE target = '00000000-0000-4000-8000-0000000000d1';
SELECT is((pg_temp.target('00000000-0000-4000-8000-0000000000d1')).not_found, 0,
          'so does a success (the ingest sets failures to 0)');
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
SELECT ok((SELECT not_found = 4 AND next_poll_at IS NOT NULL AND stopped_at IS NULL
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d1')),
          'four 404s in a row: still polled, backing off');
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
SELECT ok((SELECT not_found = 5 AND next_poll_at IS NULL AND stopped_at = raceday.clock() AND last_status = 404
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d1')),
          'the fifth stops polling');
SELECT is((pg_temp.target('00000000-0000-4000-8000-0000000000d1')).stopped_reason,
          'TAB answered 404 (not found) 5 times in a row', 'and says why');
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d1', 404);
SELECT ok((SELECT next_poll_at IS NULL AND stopped_reason LIKE '% 5 times %'
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d1')),
          'a late failure (a poll in flight) neither reschedules it nor rewrites the reason');
UPDATE raceday.settings SET stop_after_404s = 2;
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d4', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d4', 404);
SELECT ok((SELECT stopped_reason LIKE '% 2 times %' AND next_poll_at IS NULL
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d4')),
          'how many 404s is a setting');
UPDATE raceday.settings SET stop_after_404s = DEFAULT;
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
CALL pg_temp.fail('00000000-0000-4000-8000-0000000000d5', 404);
SELECT ok((SELECT stopped_at IS NULL AND next_poll_at IS NOT NULL AND not_found = 6
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d5')),
          'a race about to jump is not stopped by a spell of 404s: it backs off');

-- A race long past its start without a final result.
UPDATE raceday.poll_targets SET next_poll_at = raceday.clock() WHERE target LIKE '%d2' OR target LIKE '%d3';
CREATE TEMP TABLE claimed AS SELECT target FROM raceday.claim_due_polls('fetcher-a', 10);
SELECT is(ARRAY(SELECT target FROM claimed WHERE target NOT LIKE 'meetings:%' ORDER BY 1),
          ARRAY['00000000-0000-4000-8000-0000000000d3'],
          'the claim hands out the race 5 h past its start, not the one 6 h past it');
SELECT ok((SELECT next_poll_at IS NULL AND stopped_at = raceday.clock()
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d2')),
          'a race 6 h past its advertised start without a final result stops');
SELECT is((pg_temp.target('00000000-0000-4000-8000-0000000000d2')).stopped_reason,
          'no final result 6 h after its advertised start (2026-07-17 09:59 NZ); status interim', 'and says why');
UPDATE raceday.settings SET stop_after_start = '4 hours';
UPDATE raceday.poll_targets SET lease_owner = NULL, lease_until = NULL, next_poll_at = raceday.clock()
WHERE target LIKE '%d3';
SELECT is((SELECT count(*) FROM raceday.claim_due_polls('fetcher-a', 10) WHERE target LIKE '%d3'), 0::bigint,
          'how long after the start is a setting');
UPDATE raceday.settings SET stop_after_start = DEFAULT;

-- By hand.
SELECT is((raceday.stop_polling('00000000-0000-4000-8000-0000000000d4', '  meeting abandoned  ')).stopped_reason,
          format('stopped by hand (%s): meeting abandoned', session_user), 'stop_polling records who and why');
UPDATE raceday.poll_targets SET stopped_at = NULL, stopped_reason = NULL, next_poll_at = NULL
WHERE target LIKE '%d4';
SELECT ok((SELECT stopped_at = raceday.clock() AND next_poll_at IS NULL
           FROM raceday.stop_polling('00000000-0000-4000-8000-0000000000d4', 'meeting abandoned')),
          'and stops the target');
-- What an ingest of a poll in flight does.
UPDATE raceday.poll_targets SET next_poll_at = raceday.clock(), failures = 0
WHERE target = '00000000-0000-4000-8000-0000000000d4';
SELECT ok((SELECT next_poll_at IS NULL AND stopped_at IS NOT NULL
           FROM pg_temp.target('00000000-0000-4000-8000-0000000000d4')),
          'a stopped target stays stopped whatever reschedules it');
SELECT is((SELECT count(*) FROM raceday.claim_due_polls('fetcher-b', 10) WHERE target NOT LIKE 'meetings:%'),
          0::bigint, 'no stopped target is claimed');

SELECT results_eq($$SELECT target, stopped_reason LIKE 'TAB answered 404%', stopped_reason LIKE 'no final result%',
                           stopped_reason LIKE 'stopped by hand%' FROM ops.stopped_targets ORDER BY target$$,
                  $$VALUES ('00000000-0000-4000-8000-0000000000d1', true, false, false),
                           ('00000000-0000-4000-8000-0000000000d2', false, true, false),
                           ('00000000-0000-4000-8000-0000000000d3', false, true, false),
                           ('00000000-0000-4000-8000-0000000000d4', false, false, true)$$,
                  'ops.stopped_targets lists every stopped target with its reason');
SELECT is((SELECT meeting_name || ' R' || race_number FROM ops.stopped_targets WHERE target LIKE '%d2'),
          'Riccarton R2', 'and names its race');

SELECT ok((SELECT stopped_at IS NULL AND stopped_reason IS NULL AND next_poll_at = raceday.clock()
                  AND failures = 0 AND not_found = 0
           FROM raceday.resume_polling('00000000-0000-4000-8000-0000000000d1')),
          'resume_polling clears the stop and the counts');
SELECT lives_ok($$SELECT raceday.resume_polling('00000000-0000-4000-8000-0000000000d2')$$,
                'the race past its start is resumed too');
SELECT is(ARRAY(SELECT target FROM raceday.claim_due_polls('fetcher-c', 10) WHERE target NOT LIKE 'meetings:%'
                ORDER BY 1),
          ARRAY['00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000d2'],
          'a resumed target is polled again at once, even 6 h past its start');

-- Bad input.
SELECT throws_ok($$SELECT raceday.stop_polling('00000000-0000-4000-8000-00000000dead', 'gone')$$, '22023',
                 'stop_polling: ''00000000-0000-4000-8000-00000000dead'' is not a poll target',
                 'stopping an unknown target is refused');
SELECT throws_ok($$SELECT raceday.stop_polling(NULL, 'gone')$$, '22023', NULL, 'so is a null target');
SELECT throws_ok($$SELECT raceday.stop_polling('00000000-0000-4000-8000-0000000000d3', ' ')$$, '22023',
                 'stop_polling: a reason of 1 to 500 characters is required', 'a blank reason is refused');
SELECT throws_ok($$SELECT raceday.stop_polling('00000000-0000-4000-8000-0000000000d3', NULL)$$, '22023', NULL,
                 'so is a null reason');
SELECT throws_ok($$SELECT raceday.resume_polling('meetings:2026-07-17:99')$$, '22023', NULL,
                 'resuming an unknown target is refused');

SELECT is(ARRAY(SELECT p.oid::regprocedure::text || ' ' || p.prosecdef || ' ' || array_to_string(p.proconfig, ',')
                FROM pg_proc p WHERE p.oid IN ('raceday.stop_polling(text, text)'::regprocedure,
                                               'raceday.resume_polling(text)'::regprocedure) ORDER BY 1),
          ARRAY['raceday.resume_polling(text) true search_path=pg_catalog, raceday, pg_temp',
                'raceday.stop_polling(text,text) true search_path=pg_catalog, raceday, pg_temp'],
          'both run as the owner with pg_temp last in their search_path');
SELECT ok(NOT has_function_privilege('raceday_fetcher', 'raceday.stop_polling(text, text)', 'EXECUTE')
          AND NOT has_function_privilege('web_anon', 'raceday.resume_polling(text)', 'EXECUTE'),
          'neither the fetcher nor web_anon may call them');

SELECT * FROM finish();
ROLLBACK;
