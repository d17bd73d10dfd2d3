-- An event's generated_time decides its history day, and history
-- partitions are made on demand: a response whose generated_time is far
-- from its receipt is stored but quarantined with the reason, and no
-- partition is made for the day it claims.
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.ev(generated text, note text DEFAULT '', start bigint DEFAULT 1784257200) RETURNS text
LANGUAGE sql AS $$
SELECT jsonb_build_object(
    'header', jsonb_build_object('generated_time', generated),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f7', 'meeting_id',
                                   '00000000-0000-4000-8000-0000000000e7', 'meeting_name', 'Awapuni', 'country', 'NZ',
                                   'type', 'T', 'race_date_nz', '2026-07-17', 'start_time_nz', '15:00:00 NZST',
                                   'description', 'Maiden 1400', 'race_number', 1, 'status', 'Open',
                                   'advertised_start', start, 'note', note),
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000a7', 'name', 'Alpha', 'runner_number', 1,
                               'odds', jsonb_build_object('fixed_win', 2.5, 'fixed_place', 1.5))),
        'money_tracker', jsonb_build_object('entrants', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000a7', 'hold_percentage', 100,
                               'bet_percentage', 100))),
        'tote_pools', jsonb_build_array(jsonb_build_object('product_type', 'Win', 'total', 1000))))::text
$$;
CREATE FUNCTION pg_temp.parts(day text) RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM pg_class c
WHERE c.relnamespace = 'raceday'::regnamespace AND c.relname IN ('money_flow_history_' || day, 'odds_history_' || day)
$$;
CREATE VIEW pg_temp.stored AS
SELECT r.id, r.body IS NOT NULL AS kept, r.processed_at IS NOT NULL AS processed, r.transform_error
FROM staging.raw_responses r WHERE r.target = '00000000-0000-4000-8000-0000000000f7';

SELECT is(pg_temp.parts('20310101'), 0::bigint, 'no 2031 partition to begin with');

-- Received 2026-07-17 02:30Z; the response claims to be from 2031, for a
-- race 40 minutes later (consistent in itself: it would transform).
CREATE TEMP TABLE crafted AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f7',
                            pg_temp.ev('2031-01-01T00:00:00Z', '', 1924994400), '2026-07-17 02:30Z', '{}') AS id;
SELECT ok((SELECT kept AND processed FROM pg_temp.stored WHERE id = (SELECT id FROM crafted)),
          'a response claiming 2031 is stored as always');
SELECT is((SELECT transform_error FROM pg_temp.stored WHERE id = (SELECT id FROM crafted)),
          '22023: generated_time 2031-01-01T00:00:00Z is 4 years ahead of its receipt, more than '
          'raceday.settings.generated_time_tolerance (10 minutes): not transformed, no history day made for it',
          'and quarantined with the reason');
SELECT is(pg_temp.parts('20310101'), 0::bigint, 'no 2031 partition is made');
SELECT is((SELECT count(*) FROM raceday.money_flow_history WHERE staging_id = (SELECT id FROM crafted))
          + (SELECT count(*) FROM raceday.odds_history WHERE staging_id = (SELECT id FROM crafted)), 0::bigint,
          'and no history row is written');

-- Within ten minutes either way: an ordinary poll.
CREATE TEMP TABLE fine AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f7', pg_temp.ev('2026-07-17T02:39:00Z', 'a'),
                            '2026-07-17 02:30Z', '{}') AS id;
SELECT ok((SELECT transform_error IS NULL FROM pg_temp.stored WHERE id = (SELECT id FROM fine)),
          'nine minutes ahead is transformed');
SELECT is((SELECT count(*) FROM raceday.money_flow_history WHERE staging_id = (SELECT id FROM fine)), 1::bigint,
          'and writes its history');
SELECT is((SELECT clock_skew FROM staging.raw_responses WHERE id = (SELECT id FROM fine)), interval '9 minutes',
          'the skew is kept with the response');
CREATE TEMP TABLE behind AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f7', pg_temp.ev('2026-07-17T02:19:00Z', 'b'),
                            '2026-07-17 02:30Z', '{}') AS id;
SELECT matches((SELECT transform_error FROM pg_temp.stored WHERE id = (SELECT id FROM behind)),
               '^22023: generated_time 2026-07-17T02:19:00Z is 11 minutes behind its receipt',
               'eleven minutes behind is quarantined');

-- A replay and a reprocess decide alike: the sweep leaves it quarantined.
SELECT is(raceday.sweep(force => true), 0, 'the sweep cannot transform it either');
SELECT ok((SELECT transform_error LIKE '22023: generated_time 2031-01-01%' FROM pg_temp.stored
           WHERE id = (SELECT id FROM crafted)) AND pg_temp.parts('20310101') = 0,
          'it stays quarantined and there is still no 2031 partition');

-- A simulated schedule clock (a simulator faster than real time): the
-- fetcher's real receive time read on that clock is the receipt too.
UPDATE raceday.settings SET clock_virtual = '2026-07-17 02:45Z', clock_real = now(), clock_speed = 40;
CREATE TEMP TABLE simulated AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f7', pg_temp.ev('2026-07-17T02:45:00Z', 'c'),
                            now(), '{}') AS id;
SELECT ok((SELECT transform_error IS NULL FROM pg_temp.stored WHERE id = (SELECT id FROM simulated)),
          'a poll generated on the simulated clock and received in real time is transformed');

-- The tolerance is a setting.
UPDATE raceday.settings SET generated_time_tolerance = '1 hour', clock_virtual = NULL, clock_real = NULL,
                            clock_speed = 1;
CREATE TEMP TABLE tolerated AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f7', pg_temp.ev('2026-07-17T02:50:00Z', 'd'),
                            '2026-07-17 02:30Z', '{}') AS id;
SELECT ok((SELECT transform_error IS NULL FROM pg_temp.stored WHERE id = (SELECT id FROM tolerated)),
          'twenty minutes ahead passes a tolerance of an hour');
SELECT throws_ok($$UPDATE raceday.settings SET generated_time_tolerance = '0'$$, '23514', NULL,
                 'a tolerance under a minute is refused');

SELECT * FROM finish();
ROLLBACK;
