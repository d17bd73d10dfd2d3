-- The change feed on hand-made polls: what each poll announces (kinds, the
-- runners it changed), nothing for a repeat or a quarantined poll, one row
-- per race for a meetings list, a reset for a reprocess, the day feed's
-- kinds, the retention job. Delivery at commit is tested in tests/test_change_feed.py
-- (a rolled-back transaction delivers no notification).
BEGIN;
SELECT plan(16);

-- Race F starts at 2026-07-17 03:00Z (epoch 1784257200); runners A and B.
CREATE FUNCTION pg_temp.ev(status text, generated text, a_odds numeric, a_hold numeric,
                           extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
SELECT jsonb_build_object(
    'header', jsonb_build_object('generated_time', generated),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f1', 'meeting_id',
                                   '00000000-0000-4000-8000-0000000000e1', 'meeting_name', 'Otaki', 'country', 'NZ',
                                   'type', 'T', 'race_date_nz', '2026-07-17', 'start_time_nz', '15:00:00 NZST',
                                   'description', 'Maiden 1200', 'race_number', 1, 'status', status,
                                   'advertised_start', 1784257200, 'actual_start', 0, 'field_size', 2,
                                   'entrant_count', 2, 'positions_paid', 2),
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'name', 'Alpha', 'runner_number', 1,
                               'odds', jsonb_build_object('fixed_win', a_odds, 'fixed_place', 1.5)),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'name', 'Bravo', 'runner_number', 2,
                               'odds', jsonb_build_object('fixed_win', 2.0, 'fixed_place', 1.2))),
        'money_tracker', jsonb_build_object('entrants', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', a_hold,
                               'bet_percentage', a_hold),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'hold_percentage', 100 - a_hold,
                               'bet_percentage', 100 - a_hold))),
        'tote_pools', jsonb_build_array(jsonb_build_object('product_type', 'Win', 'total', 1000 + a_hold),
                                        jsonb_build_object('product_type', 'Place', 'total', 500)))
        || extra)
$$;
CREATE PROCEDURE pg_temp.poll(doc jsonb) LANGUAGE sql AS $$
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f1', doc,
                            (doc #>> '{header,generated_time}')::timestamptz)
$$;
-- Earlier tests may have left changes behind; ids only grow.
DELETE FROM raceday.change_feed;
CREATE VIEW pg_temp.feed AS SELECT * FROM raceday.change_feed ORDER BY id;

CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T01:58:00Z', 2.5, 30));
SELECT results_eq($$SELECT kinds, cardinality(runners), staging_id IS NOT NULL,
                           observed_at = '2026-07-17T01:58:00Z' FROM pg_temp.feed$$,
    $$VALUES ('{race_added,runners,pools,money_flow,odds}'::text[], 2, true, true)$$,
    'a race''s first poll: the race, its runners, pools, money and odds, stamped with the poll''s observation');

CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T01:58:00Z', 2.5, 30));
SELECT is((SELECT count(*) FROM pg_temp.feed), 1::bigint, 'a repeated poll announces nothing');

CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:10:00Z', 2.5, 30,
                             '{"runners": [{"entrant_id": "00000000-0000-4000-8000-00000000000a", "runner_number": "x"}]}'));
SELECT ok((SELECT transform_error IS NOT NULL FROM staging.raw_responses ORDER BY id DESC LIMIT 1)
          AND (SELECT count(*) FROM pg_temp.feed) = 1, 'a quarantined poll announces nothing');

-- Money and odds move: not the day's business.
CALL pg_temp.poll(pg_temp.ev('Open', '2026-07-17T02:30:00Z', 2.4, 40));
SELECT results_eq($$SELECT kinds FROM pg_temp.feed ORDER BY id DESC LIMIT 1$$,
    $$VALUES ('{runners,pools,money_flow,odds,alerts}'::text[])$$,
    'Alpha''s share of the money jumps: runners, pools, money flow, odds and the alerts it raised');

CALL pg_temp.poll(pg_temp.ev('Closed', '2026-07-17T03:00:30Z', 2.2, 35,
                             '{"race": {"event_id": "00000000-0000-4000-8000-0000000000f1", "meeting_id": "00000000-0000-4000-8000-0000000000e1", "meeting_name": "Otaki", "description": "Maiden 1200", "race_number": 1, "status": "Closed", "advertised_start": 1784257200, "actual_start": 1784257215, "type": "T", "country": "NZ"}}'));
SELECT results_eq($$SELECT kinds FROM pg_temp.feed ORDER BY id DESC LIMIT 1$$,
    $$VALUES ('{status,race,runners,pools,money_flow,odds,alerts}'::text[])$$,
    'the jump: status and actual start (race), the closing money, the odds move and its alerts');
SELECT is((SELECT runners FROM pg_temp.feed ORDER BY id DESC LIMIT 1),
          ARRAY['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b']::uuid[],
          'the changed runners, in runner order');
SELECT results_eq($$SELECT kinds && raceday.day_kinds() FROM pg_temp.feed ORDER BY id$$,
    $$VALUES (true), (false), (true)$$,
    'the day feed has the race''s arrival and its jump, not the money between');
SELECT cmp_ok(raceday.announce('00000000-0000-4000-8000-0000000000f1', '{alerts}', NULL, NULL, NULL), '>',
              (SELECT max(id) FROM raceday.change_feed), 'announce appends after every earlier change');

-- A meetings list: one change per race it adds or changes.
CREATE PROCEDURE pg_temp.meetings(doc jsonb) LANGUAGE sql AS $$
SELECT raceday.ingest_meetings(doc, now(), '{"target": "meetings:2026-07-17:0"}')
$$;
CALL pg_temp.meetings(jsonb_build_object(
    'header', jsonb_build_object('generated_time', '2026-07-17T00:00:00Z'), 'params', jsonb_build_object('limit', 100),
    'data', jsonb_build_object('meetings', jsonb_build_array(jsonb_build_object(
        'meeting', '00000000-0000-4000-8000-0000000000e2', 'name', 'Riccarton', 'country', 'NZ', 'category', 'T',
        'date', '2026-07-17', 'races', jsonb_build_array(
            jsonb_build_object('id', '00000000-0000-4000-8000-0000000000f2', 'race_number', 1, 'name', 'R1',
                               'start_time', now() + interval '1 hour', 'status', 'Open'),
            jsonb_build_object('id', '00000000-0000-4000-8000-0000000000f3', 'race_number', 2, 'name', 'R2',
                               'start_time', now() + interval '2 hours', 'status', 'Open')))))));
SELECT results_eq($$SELECT race_id::text, kinds FROM pg_temp.feed WHERE staging_id = (SELECT max(id) FROM staging.raw_responses)$$,
    $$VALUES ('00000000-0000-4000-8000-0000000000f2', '{race_added}'::text[]),
             ('00000000-0000-4000-8000-0000000000f3', '{race_added}'::text[])$$,
    'a meetings list: one change per race it added, soonest first');
SELECT is(api.feed_cursor(), (SELECT max(id) FROM raceday.change_feed), 'the day cursor is the newest day change');
SELECT is(api.feed_cursor('00000000-0000-4000-8000-0000000000f1'),
          (SELECT max(id) FROM raceday.change_feed WHERE race_id = '00000000-0000-4000-8000-0000000000f1'),
          'a race''s cursor is its newest change');
SELECT is(api.feed_cursor('00000000-0000-4000-8000-0000000000ff'), 0::bigint, 'a race with no change: cursor 0');

-- A reprocess rebuilds the race: a client must reload it.
SELECT is(raceday.reprocess('00000000-0000-4000-8000-0000000000f1'), 4, 'the race is rebuilt from its four polls');
SELECT results_eq($$SELECT kinds FROM pg_temp.feed WHERE race_id = '00000000-0000-4000-8000-0000000000f1'
                    ORDER BY id DESC LIMIT 1$$,
    $$VALUES ('{reset}'::text[])$$, 'a reprocess announces a reset, and nothing per replayed poll');

-- Retention.
UPDATE raceday.change_feed SET created_at = now() - interval '3 days' WHERE kinds = '{alerts}';
SELECT is(raceday.prune_change_feed(), 1::bigint, 'rows older than two days are pruned');
SELECT is((SELECT schedule FROM cron.job WHERE jobname = 'raceday-change-feed-retention'), '50 14 * * *',
          'pruned at 02:50 NZST / 03:50 NZDT, outside racing');

SELECT * FROM finish();
ROLLBACK;
