-- Ingest stores first, deduplicates by the hash of the text received (less
-- generated_time), quarantines what it cannot transform, filters to the
-- configured scope, pages, and schedules.
BEGIN;
SELECT plan(22);

DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-16 20:00Z', clock_real = now(), clock_speed = 1,
                            meetings_page_size = 3;

CREATE TEMP TABLE doc AS SELECT jsonb_build_object(
    'header', jsonb_build_object('title', 'Race Meetings', 'generated_time', '2026-07-16T20:00:01.123456789Z'),
    'params', jsonb_build_object('date_from', '2026-07-17', 'limit', 3, 'offset', 0),
    'data', jsonb_build_object('meetings', jsonb_build_array(
        jsonb_build_object('meeting', '00000000-0000-4000-8000-0000000000a1', 'name', 'Ellerslie', 'date', '2026-07-17T00:00:00Z',
                           'category', 'T', 'country', 'NZ', 'state', 'NZ', 'track_condition', 'Good 4', 'future_field', 1,
                           'races', jsonb_build_array(jsonb_build_object('id', '00000000-0000-4000-8000-0000000000b1',
                               'race_number', 1, 'name', 'Maiden 1200', 'start_time', '2026-07-17T01:00:00Z',
                               'distance', 1200, 'status', 'Open', 'weather', '', 'track_condition', 'Good 4'))),
        jsonb_build_object('meeting', '00000000-0000-4000-8000-0000000000a2', 'name', 'Manukau', 'date', '2026-07-17T00:00:00Z',
                           'category', 'G', 'country', 'NZ', 'state', 'NZ',
                           'races', jsonb_build_array(jsonb_build_object('id', '00000000-0000-4000-8000-0000000000b2',
                               'race_number', 1, 'name', 'Dogs', 'start_time', '2026-07-17T02:00:00Z', 'status', 'Open'))),
        jsonb_build_object('meeting', '00000000-0000-4000-8000-0000000000a3', 'name', 'Ascot', 'date', '2026-07-17T00:00:00Z',
                           'category', 'T', 'country', 'UK', 'state', 'UK',
                           'races', jsonb_build_array(jsonb_build_object('id', '00000000-0000-4000-8000-0000000000b3',
                               'race_number', 1, 'name', 'Stakes', 'start_time', '2026-07-17T03:00:00Z', 'status', 'Open')))
    ))) AS body;

SELECT isnt(raceday.ingest_meetings((SELECT body FROM doc), '2026-07-16 20:00:02Z',
                                    '{"target": "meetings:2026-07-17:0", "http_status": 200}'), NULL,
            'a meetings page is stored');
SELECT is((SELECT generated_at FROM staging.raw_responses WHERE target = 'meetings:2026-07-17:0'),
          '2026-07-16 20:00:01.123457Z'::timestamptz, 'TAB''s nanosecond generated_time is kept (to the microsecond)');
SELECT is((SELECT array_agg(meeting_name) FROM raceday.meetings), ARRAY['Ellerslie'],
          'greyhound and overseas meetings are filtered out');
SELECT is((SELECT status FROM raceday.races), 'open', 'race statuses are stored lower case');
SELECT is((SELECT next_poll_at FROM raceday.poll_targets WHERE target = '00000000-0000-4000-8000-0000000000b1'),
          raceday.clock(), 'a new race gets its baseline event poll at once');
SELECT is((SELECT next_poll_at FROM raceday.poll_targets WHERE target = 'meetings:2026-07-17:3'),
          raceday.clock(), 'a full page schedules the next page at once');
SELECT is((SELECT next_poll_at FROM raceday.poll_targets WHERE target = 'meetings:2026-07-17:0'),
          raceday.clock() + interval '30 minutes', 'the page itself is refreshed through the day');

-- The same data again, with a new header: counted, not stored twice.
SELECT is(raceday.ingest_meetings(jsonb_set((SELECT body FROM doc), '{header,generated_time}', '"2026-07-16T20:00:16Z"'),
                                  now(), '{"target": "meetings:2026-07-17:0"}'),
          (SELECT id FROM staging.raw_responses WHERE target = 'meetings:2026-07-17:0'),
          'a repeat of the same data returns the stored row');
SELECT is((SELECT seen_count FROM staging.raw_responses WHERE target = 'meetings:2026-07-17:0'), 2,
          'and counts it');

-- A document the transform cannot handle is kept, quarantined, not raised.
SELECT lives_ok($$SELECT raceday.ingest_meetings('{"header": {}, "data": {"meetings": "oops"}}',
                                                 now(), '{"target": "meetings:2026-07-17:3"}')$$,
                'a broken document does not raise');
SELECT matches((SELECT transform_error FROM staging.raw_responses WHERE target = 'meetings:2026-07-17:3'),
               'no data.meetings array', 'it is quarantined with its error');
SELECT ok((SELECT processed_at IS NOT NULL AND body IS NOT NULL FROM staging.raw_responses
           WHERE target = 'meetings:2026-07-17:3'), 'with its raw body and processing time');

-- Events: status drives the schedule; failures are recorded and back off.
SELECT isnt(raceday.ingest_event('00000000-0000-4000-8000-0000000000b1',
    '{"header": {"generated_time": "2026-07-16T20:00:30Z"}, "data": {"race": {"event_id": "00000000-0000-4000-8000-0000000000b1", "status": "Final", "actual_start": 0, "advertised_start": 1784250000, "meeting_id": "00000000-0000-4000-8000-0000000000a1", "race_number": 1, "description": "Maiden 1200", "type": "T", "country": "NZ", "race_date_nz": "2026-07-17"}}}'),
    NULL, 'an event is stored');
SELECT is((SELECT next_poll_at FROM raceday.poll_targets WHERE target = '00000000-0000-4000-8000-0000000000b1'),
          NULL, 'a final race is polled no more');
SELECT isnt(raceday.ingest_failure('meetings', 'meetings:2026-07-17:0', now(),
                                   '{"http_status": 503, "error": "HTTP 503", "attempt": 3}'), NULL,
            'a failed poll is recorded');
SELECT ok((SELECT failures = 1 AND next_poll_at = raceday.clock() + interval '15 seconds' AND lease_owner IS NULL
           FROM raceday.poll_targets WHERE target = 'meetings:2026-07-17:0'),
          'and retried after 15 s');
SELECT throws_ok($$SELECT raceday.ingest_event('not-a-uuid', '{}')$$, '22023', NULL, 'a bad race id is refused');

-- The body as the fetcher hands it over: the text received.
CREATE TEMP TABLE event_text AS SELECT
    '{"header": {"generated_time": "2026-07-16T20:01:00.5Z"},  "data": {"race": {"event_id": "00000000-0000-4000-8000-0000000000b1", "status": "Final", "advertised_start": 1784250000, "meeting_id": "00000000-0000-4000-8000-0000000000a1", "race_number": 1, "description": "Maiden 1200", "type": "T", "country": "NZ", "race_date_nz": "2026-07-17"}, "note": "x"}}'::text AS body;
CREATE TEMP TABLE stored AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000b1', (SELECT body FROM event_text), now(), '{}'::jsonb)
    AS id;
SELECT is((SELECT body_bytes FROM staging.raw_responses WHERE id = (SELECT id FROM stored)),
          (SELECT octet_length(body) FROM event_text), 'a body as received is stored with its size as received');
SELECT is(raceday.ingest_event('00000000-0000-4000-8000-0000000000b1',
                               (SELECT replace(body, '20:01:00.5Z', '20:01:15.75Z') FROM event_text), now(), '{}'::jsonb),
          (SELECT id FROM stored), 'the same text with another generated_time is a repeat');
SELECT is((SELECT seen_count FROM staging.raw_responses WHERE id = (SELECT id FROM stored)), 2,
          'and is counted on the stored row');
SELECT isnt(raceday.ingest_event('00000000-0000-4000-8000-0000000000b1',
                                 (SELECT replace(body, '"x"', '"y"') FROM event_text), now(), '{}'::jsonb),
            (SELECT id FROM stored), 'other data is stored anew');
SELECT throws_ok($$SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000b1', '{"header": {', now(), '{}')$$,
                 '22P02', NULL, 'a body that is not JSON raises (the fetcher keeps it as a failed fetch)');

SELECT * FROM finish();
ROLLBACK;
