-- The quality score in the database: the deployed module, its wrapper,
-- the trigger that scores each poll, and the reload of a redeployed module.
BEGIN;
SELECT plan(7);

SELECT is(raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0.5),
          '{"score": 100, "reasons": []}'::jsonb, 'a clean poll scores 100');
SELECT is(raceday.quality_score('open', 80, NULL, NULL, '{win}', NULL, NULL, NULL, NULL),
          '{"score": 40, "reasons": ["hold sums to 80.00 over the field (expected 95-105)",
                                     "bet missing: the money tracker named no runner", "no Win pool total"]}'::jsonb,
          'the wrapper returns what the module computes, reasons in order');

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Trentham', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, field_size)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1, now(), 9);
INSERT INTO staging.raw_responses (kind, target, body, received_at)
VALUES ('event', '00000000-0000-4000-8000-0000000000f1', '{"data": {}}', now());
INSERT INTO raceday.poll_quality (staging_id, race_id, observed_at, status, runners, active_runners, hold_sum, bet_sum,
                                  stray_ids, missing_pools)
SELECT max(id), '00000000-0000-4000-8000-0000000000f1', now() - interval '2 minutes', 'open', 9, 8, 100.4, 98, 1, '{}'
FROM staging.raw_responses;
SELECT results_eq($$SELECT score, reasons FROM raceday.poll_quality$$,
    $$VALUES (60::smallint, ARRAY['1 money-tracker id not among the runners', 'field size 9 but 8 runners not scratched',
                                  'generated 120 s before it was received'])$$,
    'a poll is scored as it is stored: stray ids, field size against the race, staleness against receipt');
SELECT results_eq($$SELECT quality_score, quality_reasons[1] FROM api.pipeline_status
                    WHERE race_id = '00000000-0000-4000-8000-0000000000f1'$$,
                  $$VALUES (60::smallint, '1 money-tracker id not among the runners'::text)$$,
                  'pipeline_status shows the latest poll''s score and reasons');

-- A redeploy of the module reaches a session that already ran the old one.
UPDATE raceday.plpython_modules
SET source = source || E'\n_score = score\ndef score(facts):\n    return dict(_score(facts), score=7)\n'
WHERE name = 'raceday_quality';
SELECT is((raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0) ->> 'score')::int, 7,
          'a changed module is reloaded by hash');

SELECT throws_ok($$SELECT raceday.plpython_module('no_such_module')$$, '58P01', NULL,
                 'an unknown module is a clear error (58P01)');
SELECT throws_ok($$SET LOCAL ROLE web_anon; SELECT raceday.quality_score('open', 100, 100, 0, '{}', 8, 8, 0, 0);
                   RESET ROLE$$, '42501', NULL,
                 'web_anon cannot call it');

SELECT * FROM finish();
ROLLBACK;
