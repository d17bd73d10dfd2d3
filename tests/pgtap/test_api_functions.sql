-- upcoming_races, next_scheduled_race, race_navigation.
BEGIN;
SELECT plan(10);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Riccarton', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
SELECT format('00000000-0000-4000-8000-0000000000f%s', n)::uuid, '00000000-0000-4000-8000-0000000000e1', 'R' || n, n,
       now() + (n * 40 - 100) * interval '1 minute',
       CASE WHEN n = 1 THEN 'final' WHEN n = 2 THEN 'closed' WHEN n = 5 THEN 'abandoned' ELSE 'open' END
FROM generate_series(1, 6) n;
-- starts: R1 -60 min (final), R2 -20 (closed), R3 +20, R4 +60, R5 +100 (abandoned), R6 +140

SELECT results_eq($$SELECT name FROM api.upcoming_races()$$, $$VALUES ('R3'::text), ('R4')$$,
                  'the next 120 minutes, soonest first, abandoned left out');
SELECT results_eq($$SELECT name FROM api.upcoming_races(window_minutes => 200, lookback_minutes => 30)$$,
                  $$VALUES ('R2'::text), ('R3'), ('R4'), ('R6')$$, 'a wider window and look-back');
SELECT results_eq($$SELECT name FROM api.upcoming_races(200, 30, 1)$$, $$VALUES ('R2'::text)$$, 'capped by max_races');
SELECT throws_ok($$SELECT * FROM api.upcoming_races(0)$$, '22023', 'window_minutes must be within 1..1440, not 0',
                 'a bad window is refused, naming the argument');
SELECT throws_ok($$SELECT * FROM api.upcoming_races(120, 5, 5000)$$, '22023', NULL, 'a bad cap is refused');
SELECT results_eq($$SELECT name FROM api.next_scheduled_race()$$, $$VALUES ('R3'::text)$$,
                  'the next scheduled race is the next open one');
SELECT results_eq($$SELECT previous_race ->> 'name', next_race ->> 'name', next_scheduled_race ->> 'name',
                           next_scheduled_race ->> 'meeting_name'
                    FROM api.race_navigation('00000000-0000-4000-8000-0000000000f4')$$,
                  $$VALUES ('R3'::text, 'R5'::text, 'R3'::text, 'Riccarton'::text)$$,
                  'navigation: previous, next, and the next scheduled race with its meeting');
SELECT results_eq($$SELECT previous_race, next_race ->> 'name' FROM api.race_navigation('00000000-0000-4000-8000-0000000000f1')$$,
                  $$VALUES (NULL::jsonb, 'R2'::text)$$, 'the first race has no previous one');
SELECT throws_ok($$SELECT * FROM api.race_navigation('00000000-0000-4000-8000-00000000dead')$$, 'PT404', NULL,
                 'an unknown race is not found (PostgREST: 404)');
SELECT lives_ok($$SET LOCAL ROLE web_anon; SELECT * FROM api.upcoming_races(); RESET ROLE$$, 'web_anon can call them');

SELECT * FROM finish();
ROLLBACK;
