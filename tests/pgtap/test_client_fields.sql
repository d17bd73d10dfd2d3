-- The client's fields (client_fields): the event transform stores a race's
-- track direction, surface and rail and a runner's weights, form comment and
-- last starts as TAB sends them; the api views show them, a meeting the
-- conditions of its race observed last, and created_at on meetings, races,
-- runners and results. The timeline's ids grow with each poll of a race.
BEGIN;
SELECT plan(14);

-- Two races of meeting E, starting an hour from now (the views show the
-- last 30 days onwards). Race 1 has runners A and B; every poll is observed
-- `secs` seconds from now.
CREATE FUNCTION pg_temp.ev(race_no integer, secs integer, race_extra jsonb, a jsonb, b jsonb,
                           data_extra jsonb) RETURNS text
LANGUAGE sql AS $$
SELECT jsonb_build_object(
    'header', jsonb_build_object('generated_time', to_char((now() + make_interval(secs => secs)) AT TIME ZONE 'UTC',
                                                           'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f' || race_no,
                                   'meeting_id', '00000000-0000-4000-8000-0000000000e1', 'meeting_name', 'Otaki',
                                   'country', 'NZ', 'type', 'T', 'race_date_nz', (now() AT TIME ZONE 'Pacific/Auckland')::date,
                                   'start_time_nz', '15:00:00 NZST', 'description', 'Maiden 1200',
                                   'race_number', race_no, 'status', 'Open',
                                   'advertised_start', extract(epoch FROM now())::bigint + 3600 * race_no,
                                   'actual_start', 0, 'field_size', 2, 'entrant_count', 2, 'positions_paid', 2)
                || race_extra,
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000' || race_no || 'a', 'name', 'Alpha',
                               'runner_number', 1, 'barrier', 1, 'odds', jsonb_build_object('fixed_win', 3)) || a,
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000' || race_no || 'b', 'name', 'Bravo',
                               'runner_number', 2, 'barrier', 2, 'odds', jsonb_build_object('fixed_win', 2)) || b),
        'money_tracker', jsonb_build_object('entrants', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000' || race_no || 'a',
                               'hold_percentage', 40 + secs / 60, 'bet_percentage', 30),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-0000000000' || race_no || 'b',
                               'hold_percentage', 60 - secs / 60, 'bet_percentage', 70))),
        'tote_pools', jsonb_build_array(jsonb_build_object('product_type', 'Win', 'total', 1000 + secs),
                                        jsonb_build_object('product_type', 'Place', 'total', 500 + secs)))
        || data_extra)::text
$$;
CREATE PROCEDURE pg_temp.poll(race_no integer, secs integer, race_extra jsonb, a jsonb DEFAULT '{}',
                              b jsonb DEFAULT '{}', data_extra jsonb DEFAULT '{}') LANGUAGE sql AS $$
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f' || race_no,
                            pg_temp.ev(race_no, secs, race_extra, a, b, data_extra), now() + make_interval(secs => secs))
$$;

CALL pg_temp.poll(1, 0, '{"weather": "Fine", "track_direction": "Right", "track_surface": "Turf",
                          "rail_position": "Out 3m"}',
                  '{"weight": {"allocated": "58.5", "total": "57"}, "form_comment": "Resumes fresh.",
                    "last_twenty_starts": "4x21"}',
                  '{"weight": {"allocated": "56kg", "total": ""}, "form_comment": "", "last_twenty_starts": ""}');

SELECT results_eq(
    $$SELECT track_direction, track_surface, rail_position, weather FROM raceday.races
      WHERE race_id = '00000000-0000-4000-8000-0000000000f1'$$,
    $$VALUES ('Right', 'Turf', 'Out 3m', 'Fine')$$,
    'the race keeps the track''s direction, surface and rail as TAB sends them');
SELECT results_eq(
    $$SELECT name, weight_allocated, weight_total, form_comment, last_twenty_starts FROM raceday.entrants
      WHERE race_id = '00000000-0000-4000-8000-0000000000f1' ORDER BY runner_number$$,
    $$VALUES ('Alpha', 58.5::numeric, 57::numeric, 'Resumes fresh.', '4x21'), ('Bravo', 56, NULL, NULL, NULL)$$,
    'weights are kilograms read from TAB''s text, a unit dropped; empty strings are null');

-- A weight that is no number is null, and the poll is not quarantined.
CALL pg_temp.poll(1, 60, '{"track_direction": "Right", "track_surface": "Turf", "rail_position": "True"}',
                  '{"weight": "heavy", "last_twenty_starts": "4x215"}', '{"weight": {"allocated": "n/a"}}');
SELECT is((SELECT count(*) FROM staging.raw_responses WHERE transform_error IS NOT NULL), 0::bigint,
          'no poll is quarantined for a weight it cannot read');
SELECT results_eq(
    $$SELECT weight_allocated, last_twenty_starts, form_comment FROM raceday.entrants
      WHERE race_id = '00000000-0000-4000-8000-0000000000f1' ORDER BY runner_number$$,
    $$VALUES (NULL::numeric, '4x215', NULL), (NULL, NULL, NULL)$$,
    'a later poll replaces the runner''s fields with its own');
SELECT is((SELECT rail_position FROM raceday.races WHERE race_id = '00000000-0000-4000-8000-0000000000f1'), 'True',
          'a later poll moves the rail');

-- Race 2 of the same meeting is observed later, with other conditions.
CALL pg_temp.poll(2, 120, '{"weather": "Showers", "track_direction": "Right", "track_surface": "Turf",
                            "rail_position": "Out 4m"}');
SELECT results_eq(
    $$SELECT weather, track_direction, track_surface, rail_position FROM api.meetings
      WHERE meeting_id = '00000000-0000-4000-8000-0000000000e1'$$,
    $$VALUES ('Showers', 'Right', 'Turf', 'Out 4m')$$,
    'a meeting shows the conditions of its race observed last');
-- Race 1 observed later again: its conditions are the meeting's.
CALL pg_temp.poll(1, 180, '{"weather": "Overcast", "track_direction": "Right", "track_surface": "Turf",
                            "rail_position": "True"}');
SELECT results_eq(
    $$SELECT weather, rail_position FROM api.meetings WHERE meeting_id = '00000000-0000-4000-8000-0000000000e1'$$,
    $$VALUES ('Overcast', 'True')$$,
    'the meeting follows whichever race was observed last');

SELECT results_eq(
    $$SELECT track_direction, track_surface, rail_position, created_at FROM api.races
      WHERE race_id = '00000000-0000-4000-8000-0000000000f2'$$,
    $$SELECT track_direction, track_surface, rail_position, created_at FROM raceday.races
      WHERE race_id = '00000000-0000-4000-8000-0000000000f2'$$,
    'api.races shows the track and created_at');
SELECT results_eq(
    $$SELECT weight_allocated, weight_total, form_comment, last_twenty_starts, created_at FROM api.entrants
      WHERE race_id = '00000000-0000-4000-8000-0000000000f1' ORDER BY runner_number$$,
    $$SELECT weight_allocated, weight_total, form_comment, last_twenty_starts, created_at FROM raceday.entrants
      WHERE race_id = '00000000-0000-4000-8000-0000000000f1' ORDER BY runner_number$$,
    'api.entrants shows the weights, form and created_at');
SELECT isnt((SELECT created_at FROM api.meetings WHERE meeting_id = '00000000-0000-4000-8000-0000000000e1'), NULL,
            'api.meetings shows created_at');
SELECT is((SELECT created_at FROM api.next_scheduled_race()), (SELECT created_at FROM api.races ORDER BY start_time LIMIT 1),
          'next_scheduled_race returns the new columns too');

-- Results: created_at when first stored.
CALL pg_temp.poll(2, 240, '{"status": "Final"}', data_extra => '{"results": [{"position": 1, "runner_number": 2}]}');
SELECT results_eq(
    $$SELECT r.race_id, r.created_at = t.created_at FROM api.race_results r JOIN raceday.race_results t USING (race_id)$$,
    $$VALUES ('00000000-0000-4000-8000-0000000000f2'::uuid, true)$$,
    'api.race_results shows created_at');

-- The timeline's cursor: each poll of a race takes ids above those before it.
SELECT ok((SELECT min(h.id) FROM raceday.money_flow_history h JOIN staging.raw_responses s ON s.id = h.staging_id
           WHERE h.race_id = '00000000-0000-4000-8000-0000000000f1' AND s.received_at = (
               SELECT max(received_at) FROM staging.raw_responses WHERE target = '00000000-0000-4000-8000-0000000000f1'))
          > (SELECT max(h.id) FROM raceday.money_flow_history h JOIN staging.raw_responses s ON s.id = h.staging_id
             WHERE h.race_id = '00000000-0000-4000-8000-0000000000f1' AND s.received_at < (
               SELECT max(received_at) FROM staging.raw_responses WHERE target = '00000000-0000-4000-8000-0000000000f1')),
          'a later poll''s timeline rows take higher ids');
SELECT has_index('raceday', 'money_flow_latest', 'money_flow_latest_id_idx', ARRAY['race_id', 'id'],
                 'the timeline is read by race and id');

SELECT * FROM finish();
ROLLBACK;
