-- What a live client receives: the race feed's events for each change, in
-- the HTTP API's shapes, resumable from any cursor; the day feed; the
-- errors a bad request gets; what web_anon may call.
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.ev(status text, generated text, a_hold numeric, extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
SELECT jsonb_build_object(
    'header', jsonb_build_object('generated_time', generated),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f1', 'meeting_id',
                                   '00000000-0000-4000-8000-0000000000e1', 'meeting_name', 'Otaki', 'country', 'NZ',
                                   'type', 'T', 'description', 'Maiden 1200', 'race_number', 1, 'status', status,
                                   'race_date_nz', (now() AT TIME ZONE 'Pacific/Auckland')::date,
                                   'advertised_start', extract(epoch FROM now() + interval '10 minutes')::bigint),
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'name', 'Alpha', 'runner_number', 1,
                               'odds', jsonb_build_object('fixed_win', 4 - a_hold / 50, 'fixed_place', 1.5)),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'name', 'Bravo', 'runner_number', 2,
                               'odds', jsonb_build_object('fixed_win', 2.0, 'fixed_place', 1.2))),
        'money_tracker', jsonb_build_object('entrants', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', a_hold),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'hold_percentage', 100 - a_hold))),
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
CALL pg_temp.poll(pg_temp.ev('Open', to_char(now() - interval '30 minutes', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 30));
CALL pg_temp.poll(pg_temp.ev('Open', to_char(now() - interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 60));
CREATE TEMP TABLE feed AS SELECT * FROM api.race_feed('00000000-0000-4000-8000-0000000000f1');

SELECT results_eq($$SELECT change_id, part, event FROM feed WHERE event <> 'alert'$$,
    $$SELECT c.id, p.part, p.event FROM raceday.change_feed c,
             (VALUES (1, 'status'), (2, 'poll')) p(part, event)
      WHERE c.id = (SELECT min(id) FROM raceday.change_feed)
      UNION ALL
      SELECT max(id), 2, 'poll' FROM raceday.change_feed ORDER BY 1, 2$$,
    'the first poll: the race (status) then what it wrote (poll); the second: a poll');
SELECT ok((SELECT bool_and(part > 2) AND count(*) > 0 FROM feed WHERE event = 'alert'),
          'the alerts of the second poll follow its poll event');
SELECT is((SELECT array_agg(k ORDER BY k) FROM feed, jsonb_object_keys(data) k WHERE part = 1),
          (SELECT array_agg(attname::text ORDER BY attname::text) FROM pg_attribute
           WHERE attrelid = 'api.races'::regclass AND attnum > 0),
          'status carries the api.races row, every column');
SELECT is((SELECT array_agg(DISTINCT k ORDER BY k) FROM feed, jsonb_array_elements(data -> 'timeline') t,
                  jsonb_object_keys(t) k),
          (SELECT array_agg(attname::text ORDER BY attname::text) FROM pg_attribute
           WHERE attrelid = 'api.money_flow_timeline'::regclass AND attnum > 0),
          'timeline rows are api.money_flow_timeline rows');
SELECT is((SELECT array_agg(DISTINCT k ORDER BY k) FROM feed, jsonb_array_elements(data -> 'runners') t,
                  jsonb_object_keys(t) k),
          (SELECT array_agg(attname::text ORDER BY attname::text) FROM pg_attribute
           WHERE attrelid = 'api.entrants'::regclass AND attnum > 0),
          'runner rows are api.entrants rows');
SELECT results_eq($$SELECT jsonb_array_length(data -> 'timeline'), (data -> 'timeline' -> 0 ->> 'time_interval')::numeric,
                           data -> 'pools' ->> 'win_pool_total', jsonb_array_length(data -> 'odds') > 0
                    FROM feed WHERE event = 'poll' ORDER BY change_id DESC LIMIT 1$$,
    $$VALUES (2, 10::numeric, '106000', true)$$,
    'the second poll: two rows of its bucket, the new pool total in cents, its odds moves');
SELECT is((SELECT array_agg(DISTINCT k ORDER BY k) FROM feed, jsonb_object_keys(data) k WHERE event = 'alert'),
          (SELECT array_agg(attname::text ORDER BY attname::text) FROM pg_attribute
           WHERE attrelid = 'api.race_alerts'::regclass AND attnum > 0),
          'alert events are api.race_alerts rows');

-- Resume: after a cursor, only what came after it.
SELECT results_eq($$SELECT change_id, part FROM api.race_feed('00000000-0000-4000-8000-0000000000f1',
                                                              (SELECT min(id) FROM raceday.change_feed))$$,
    $$SELECT change_id, part FROM feed WHERE change_id > (SELECT min(id) FROM raceday.change_feed)$$,
    'after a cursor: the later changes only');
SELECT is((SELECT count(*) FROM api.race_feed('00000000-0000-4000-8000-0000000000f1', 0, 1)),
          (SELECT count(*) FROM feed WHERE change_id = (SELECT min(id) FROM raceday.change_feed)),
          'max_changes caps changes, never splits one');

SELECT results_eq($$SELECT event, data ->> 'race_id' FROM api.day_feed(0)$$,
    $$VALUES ('race', '00000000-0000-4000-8000-0000000000f1')$$,
    'the day feed: the race arrived (its money is not the day''s business)');

SELECT throws_ok($$SELECT * FROM api.race_feed('00000000-0000-4000-8000-0000000000ff')$$, 'PT404', NULL,
                 'an unknown race: PT404, which PostgREST answers with 404');
SELECT throws_ok($$SELECT * FROM api.race_feed('00000000-0000-4000-8000-0000000000f1', -1)$$, '22023', NULL,
                 'a negative cursor is refused');
SELECT throws_ok($$SELECT * FROM api.day_feed(0, 0)$$, '22023', NULL, 'max_changes 0 is refused');

SELECT ok(has_function_privilege('web_anon', 'api.race_feed(uuid, bigint, integer)', 'EXECUTE')
          AND has_function_privilege('web_anon', 'api.day_feed(bigint, integer)', 'EXECUTE')
          AND has_function_privilege('web_anon', 'api.feed_cursor(uuid)', 'EXECUTE')
          AND NOT has_table_privilege('web_anon', 'raceday.change_feed', 'SELECT'),
          'web_anon follows the feeds through the api functions only');

SELECT * FROM finish();
ROLLBACK;
