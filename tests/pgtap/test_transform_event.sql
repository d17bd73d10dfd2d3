-- The event transform on hand-made polls: summed money tracker, stray ids,
-- increments, the status gate, scratchings, the Final pool fallback, the
-- odds threshold, results flags, DOMAIN.md's worked example, quarantine.
BEGIN;
SELECT plan(26);

-- Race R starts at 2026-07-17 03:00Z (epoch 1784257200). Runners A, B, C
-- (C scratched). Each poll: status, observation time, pools, tracker, odds.
CREATE FUNCTION pg_temp.ev(status text, generated text, win numeric, place numeric, tracker jsonb,
                           a_odds numeric DEFAULT 2.5, extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
SELECT jsonb_build_object(
    'header', jsonb_build_object('generated_time', generated),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f1', 'meeting_id',
                                   '00000000-0000-4000-8000-0000000000e1', 'meeting_name', 'Otaki', 'country', 'NZ',
                                   'type', 'T', 'race_date_nz', '2026-07-17', 'start_time_nz', '15:00:00 NZST',
                                   'description', 'Maiden 1200', 'race_number', 1, 'status', status,
                                   'advertised_start', 1784257200, 'actual_start', 0, 'field_size', 2,
                                   'entrant_count', 3, 'positions_paid', 2),
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'name', 'Alpha', 'runner_number', 1,
                               'barrier', 'Fr1', 'is_scratched', false, 'scratch_time', 0,
                               'odds', jsonb_build_object('fixed_win', a_odds, 'fixed_place', 1.5, 'pool_win', 3.2, 'pool_place', 0)),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'name', 'Bravo', 'runner_number', 2,
                               'barrier', 4, 'is_scratched', false, 'scratch_time', 0,
                               'odds', jsonb_build_object('fixed_win', 2.0, 'fixed_place', 1.2)),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000c', 'name', 'Charlie', 'runner_number', 3,
                               'barrier', 5, 'is_scratched', true, 'is_late_scratched', true, 'scratch_time', 1784250000,
                               'odds', jsonb_build_object('fixed_win', 0))),
        'money_tracker', jsonb_build_object('entrants', tracker),
        'tote_pools', CASE WHEN win IS NULL THEN NULL ELSE jsonb_build_array(
            jsonb_build_object('product_type', 'Win', 'total', win),
            jsonb_build_object('product_type', 'PLACE', 'total', place),
            jsonb_build_object('product_type', 'First Four', 'total', 100.5),
            jsonb_build_object('product_type', 'EarlyQuadrella', 'total', 10)) END)
        || extra)
$$;
-- Alpha's 15.5 arrives as interleaved pieces; Bravo's 40 likewise; one stray id.
CREATE FUNCTION pg_temp.tracker(a numeric, b numeric) RETURNS jsonb LANGUAGE sql AS $$
SELECT jsonb_build_array(
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', a - 5, 'bet_percentage', 10),
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'hold_percentage', 0, 'bet_percentage', 0),
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000ff', 'hold_percentage', 1, 'bet_percentage', 1),
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', 5, 'bet_percentage', 2),
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'hold_percentage', b, 'bet_percentage', 30),
    jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', 0, 'bet_percentage', 0))
$$;
CREATE FUNCTION pg_temp.ingest(doc jsonb) RETURNS bigint LANGUAGE sql AS $$
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f1', doc,
                            coalesce((doc #>> '{header,generated_time}')::timestamptz, now()))
$$;
-- A procedure for polls whose staging id the test does not need: a CALL
-- returns no row to the TAP stream.
CREATE PROCEDURE pg_temp.poll(doc jsonb) LANGUAGE sql AS $$ SELECT pg_temp.ingest(doc) $$;
CREATE VIEW pg_temp.flow AS
SELECT e.name, h.time_interval, h.win_pool_amount, h.place_pool_amount, h.incremental_win_amount,
       h.incremental_place_amount, h.win_pool_percentage, h.interval_type, h.event_timestamp
FROM raceday.money_flow_history h JOIN raceday.entrants e USING (entrant_id);

-- 62 min before the start: bucket 60, the baseline. Worked example pools.
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T01:58:00Z', 50000, 30000, pg_temp.tracker(15.5, 40)));
SELECT results_eq($$SELECT name, time_interval, win_pool_amount, place_pool_amount, win_pool_percentage,
                           incremental_win_amount, interval_type FROM pg_temp.flow ORDER BY name$$,
    $$VALUES ('Alpha'::text, 60.0::numeric, 775000::bigint, 465000::bigint, 15.50::numeric, 775000::bigint, '5m'::text),
             ('Bravo', 60.0, 2000000, 1200000, 40.00, 2000000, '5m')$$,
    'worked example: interleaved entries summed (15.5 %), 775000 / 465000 cents, full amount as the baseline');
SELECT is((SELECT count(*) FROM pg_temp.flow WHERE name = 'Charlie'), 0::bigint, 'no money flow for a scratched runner');
SELECT results_eq($$SELECT hold_sum, bet_sum, stray_ids, missing_pools FROM raceday.poll_quality$$,
    $$VALUES (55.50::numeric, 42.00::numeric, 1, '{}'::text[])$$,
    'quality: hold and bet summed over the field, the stray id counted');
SELECT results_eq($$SELECT hold_percentage, bet_percentage, win_pool_amount, fixed_win_odds, pool_place_odds, barrier
                    FROM raceday.entrants WHERE name = 'Alpha'$$,
    $$VALUES (15.50::numeric, 12.00::numeric, 775000::bigint, 2.50::numeric, NULL::numeric, 'Fr1'::text)$$,
    'the entrant row carries the current money and odds (0 is null), barrier as text');
SELECT results_eq($$SELECT win_pool_total, place_pool_total, first4_pool_total, total_race_pool FROM raceday.race_pools$$,
    $$VALUES (5000000::bigint, 3000000::bigint, 10050::bigint, 8011050::bigint)$$,
    'pools in cents, First Four matched, the total counts every pool');

-- 57 and 56 min: both in bucket 55, each against bucket 60's latest row.
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:03:00Z', 60000, 30000, pg_temp.tracker(15.5, 40), 2.505));
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:04:00Z', 70000, 30000, pg_temp.tracker(15.5, 40), 2.52));
SELECT results_eq($$SELECT win_pool_amount, incremental_win_amount FROM pg_temp.flow
                    WHERE name = 'Alpha' AND time_interval = 55 ORDER BY event_timestamp$$,
    $$VALUES (930000::bigint, 155000::bigint), (1085000, 310000)$$,
    'two polls in one bucket: each increment against the previous bucket''s latest row');
-- 30 min: pools shrink (a refund): a negative increment is kept.
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:30:00Z', 65000, 30000, pg_temp.tracker(15.5, 40)));
SELECT is((SELECT incremental_win_amount FROM pg_temp.flow WHERE name = 'Alpha' AND time_interval = 30),
          1007500 - 1085000::bigint, 'a negative increment is kept');

SELECT results_eq($$SELECT odds FROM raceday.odds_history h JOIN raceday.entrants e USING (entrant_id)
                    WHERE e.name = 'Alpha' AND odds_type = 'fixed_win' ORDER BY event_timestamp$$,
    $$VALUES (2.50::numeric), (2.52), (2.50)$$,
    'odds: 2.5 stored, 2.505 is no move (not stored), 2.52 is, and back to 2.5');
SELECT is((SELECT count(*) FROM raceday.odds_history WHERE odds_type = 'pool_place'), 0::bigint,
          'a zero price is never stored');
-- A second answer observed at an instant already stored (02:04), Alpha now at 3.0: it is kept and
-- transformed, and the history keeps its one row per runner, kind and instant.
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:04:00Z', 70000, 30000, pg_temp.tracker(15.5, 40), 3.0));
SELECT is((SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL), 0::bigint,
          'an answer at an instant already stored is transformed, not quarantined');
SELECT results_eq($$SELECT event_timestamp, odds FROM raceday.odds_history h JOIN raceday.entrants e USING (entrant_id)
                    WHERE e.name = 'Alpha' AND odds_type = 'fixed_win' ORDER BY event_timestamp$$,
    $$VALUES ('2026-07-17 01:58Z'::timestamptz, 2.50::numeric), ('2026-07-17 02:04Z', 2.52), ('2026-07-17 02:30Z', 2.50)$$,
    'odds at an instant already stored are not stored again');

-- Closed: the first closed poll is written, the second is not.
CALL pg_temp.poll(pg_temp.ev('Closed', '2026-07-17T03:00:20Z', 80000, 30000, pg_temp.tracker(15.5, 40)));
CALL pg_temp.poll(pg_temp.ev('Closed', '2026-07-17T03:00:50Z', 80000, 30000, pg_temp.tracker(16, 40)));
SELECT results_eq($$SELECT time_interval, interval_type FROM pg_temp.flow WHERE name = 'Alpha'
                    AND event_timestamp > '2026-07-17 03:00Z' ORDER BY event_timestamp$$,
    $$VALUES (-0.5::numeric, 'live'::text)$$, 'the first closed poll is written (-0.5, live), the next is not');

-- Final without tote_pools: totals from the largest pool_size per product.
CALL pg_temp.poll(pg_temp.ev('Final', '2026-07-17T03:06:00Z', NULL, NULL, pg_temp.tracker(15.5, 40), 3.0,
    jsonb_build_object(
        'results', jsonb_build_array(jsonb_build_object('position', 1, 'entrant_id', '00000000-0000-4000-8000-00000000000b',
                                                        'runner_number', 2, 'name', 'Bravo')),
        'dividends', jsonb_build_array(
            jsonb_build_object('product_name', 'Pool Win', 'status', 'Interim', 'pool_size', 81000.5, 'dividend', 2.1),
            jsonb_build_object('product_name', 'Pool Win', 'status', 'Final', 'pool_size', 81234.56, 'dividend', 2.1),
            jsonb_build_object('product_name', 'Pool Place', 'status', 'Final', 'pool_size', 30500, 'dividend', 1.1),
            jsonb_build_object('product_name', 'Pool Quinella', 'status', 'Protest', 'pool_size', 5000, 'dividend', 9)))));
SELECT results_eq($$SELECT win_pool_total, place_pool_total, quinella_pool_total, total_race_pool FROM raceday.race_pools$$,
    $$VALUES (8123456::bigint, 3050000::bigint, 500000::bigint, 11673456::bigint)$$,
    'a Final race without tote_pools takes the largest dividend pool_size per product');
SELECT is((SELECT count(*) FROM raceday.money_flow_history WHERE event_timestamp > '2026-07-17 03:05Z'), 0::bigint,
          'no money flow for a final race');
SELECT results_eq($$SELECT result_status, results_available, protest_lodged, photo_finish, stewards_inquiry,
                           fixed_odds_data -> '1' ->> 'fixed_win' FROM raceday.race_results$$,
    $$VALUES ('final'::text, true, true, false, false, '3.0'::text)$$,
    'results: status, the protest flag from a dividend status, fixed odds by runner number');
SELECT results_eq($$SELECT status, finalized_at, last_status_change, field_size FROM raceday.races$$,
    $$VALUES ('final'::text, '2026-07-17 03:06Z'::timestamptz, '2026-07-17 03:06Z'::timestamptz, 2)$$,
    'the race is final, with the time it became so');
SELECT is((SELECT count(*) FROM raceday.meetings WHERE meeting_id = '00000000-0000-4000-8000-0000000000e1'), 1::bigint,
          'an event for a race the meetings list never showed brings its meeting');

-- The same data again is a repeat, not a second observation.
SELECT is(pg_temp.ingest(pg_temp.ev('Open', '2026-07-17T01:59:00Z', 50000, 30000, pg_temp.tracker(15.5, 40))),
          (SELECT min(id) FROM staging.raw_responses), 'identical data with a new header is the stored row');

-- Quarantine: a broken poll is kept with its error; the next is processed.
SELECT lives_ok($$SELECT pg_temp.ingest(jsonb_set(pg_temp.ev('Open', '2026-07-17T02:40:00Z', 1, 1, pg_temp.tracker(1, 1)),
                                                  '{data,runners,0,odds,fixed_win}', '"lots"'))$$,
                'a poll with a wrong type does not raise');
SELECT matches((SELECT transform_error FROM staging.raw_responses ORDER BY id DESC LIMIT 1), '^22P02: ',
               'it is quarantined with its error');
SELECT is((SELECT count(*) FROM raceday.money_flow_history WHERE event_timestamp = '2026-07-17 02:40Z'), 0::bigint,
          'and wrote nothing');
SELECT lives_ok($$SELECT pg_temp.ingest('{"header": {}, "data": {"race": {"event_id": "00000000-0000-4000-8000-0000000000f1"}}}')$$,
                'a poll with no start time does not raise either');

-- Increments when the first bucket seen is late: 0, not the full amount.
SELECT is(raceday.ingest_event('00000000-0000-4000-8000-0000000000f2',
          jsonb_set(jsonb_set(pg_temp.ev('Open', '2026-07-17T02:35:00Z', 9000, 900,
                    '[{"entrant_id": "00000000-0000-4000-8000-0000000000a2", "hold_percentage": 50, "bet_percentage": 50}]'),
                    '{data,race}', pg_temp.ev('Open', '', 0, 0, '[]') #> '{data,race}'
                                   || '{"event_id": "00000000-0000-4000-8000-0000000000f2", "race_number": 2}'),
                    '{data,runners}', '[{"entrant_id": "00000000-0000-4000-8000-0000000000a2", "name": "Delta", "runner_number": 1}]'),
          '2026-07-17 02:35Z') IS NOT NULL, true, 'a race first seen 25 minutes out');
SELECT results_eq($$SELECT time_interval, win_pool_amount, incremental_win_amount FROM pg_temp.flow WHERE name = 'Delta'$$,
    $$VALUES (25.0::numeric, 450000::bigint, 0::bigint)$$, 'its first bucket is 25: increment 0, not the full amount');

SELECT is((SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL), 2::bigint,
          'exactly the two broken polls are quarantined');
SELECT is((SELECT count(*) FROM (SELECT race_id, entrant_id, event_timestamp FROM raceday.money_flow_history
                                 GROUP BY 1, 2, 3 HAVING count(*) > 1) d), 0::bigint, 'no duplicate money-flow rows');

SELECT * FROM finish();
ROLLBACK;
