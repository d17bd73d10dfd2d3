-- Poll tiers at their boundaries (DOMAIN.md §6), the next poll never jumping
-- a boundary, final/abandoned stopping, the daily baseline, overdue spreading.
BEGIN;
SELECT plan(23);

CREATE TEMP TABLE start AS SELECT timestamptz '2026-07-17 03:00Z' AS s;

SELECT is(raceday.poll_interval('open', s, s - interval '61 minutes'), interval '5 minutes', 'more than 60 min: 5 min') FROM start;
SELECT is(raceday.poll_interval('open', s, s - interval '60 minutes'), interval '60 seconds', 'exactly 60 min: 60 s') FROM start;
SELECT is(raceday.poll_interval('open', s, s - interval '15 minutes 1 second'), interval '60 seconds', 'just over 15 min: 60 s') FROM start;
SELECT is(raceday.poll_interval('open', s, s - interval '15 minutes'), interval '30 seconds', 'exactly 15 min: 30 s') FROM start;
SELECT is(raceday.poll_interval('open', s, s - interval '5 minutes 1 second'), interval '30 seconds', 'just over 5 min: 30 s') FROM start;
SELECT is(raceday.poll_interval('open', s, s - interval '5 minutes'), interval '15 seconds', 'exactly 5 min: 15 s') FROM start;
SELECT is(raceday.poll_interval('closed', s, s + interval '3 minutes'), interval '15 seconds', 'after the start: 15 s') FROM start;
SELECT is(raceday.poll_interval('interim', s, s + interval '10 minutes'), interval '15 seconds', 'interim: 15 s until final') FROM start;
SELECT is(raceday.poll_interval('final', s, s + interval '10 minutes'), NULL, 'final: polling stops') FROM start;
SELECT is(raceday.poll_interval('abandoned', s, s - interval '2 hours'), NULL, 'abandoned: polling stops') FROM start;

SELECT is(raceday.next_poll_time('open', s, s - interval '62 minutes'), s - interval '60 minutes',
          'a 5-minute step does not jump the 60-minute boundary') FROM start;
SELECT is(raceday.next_poll_time('open', s, s - interval '90 minutes'), s - interval '85 minutes',
          'far from the boundary: the plain 5 minutes') FROM start;
SELECT is(raceday.next_poll_time('open', s, s - interval '5 minutes 20 seconds'), s - interval '5 minutes',
          'a 30-second step stops at the 5-minute boundary') FROM start;
SELECT is(raceday.next_poll_time('open', s, s - interval '5 minutes 0.5 seconds'), s - interval '4 minutes 45.5 seconds',
          'half a second before a boundary: the faster tier''s 15 seconds, not a second poll at once') FROM start;
SELECT is(raceday.next_poll_time('final', s, s), NULL, 'no next poll after final') FROM start;

-- The baseline: on a first start at once, afterwards at 06:00 NZ.
DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-16 14:00Z', clock_real = now(), clock_speed = 1;  -- 02:00 NZST
SELECT lives_ok($$SELECT raceday.plan_day('2026-07-17')$$, 'plan the first day');
SELECT is(next_poll_at, raceday.clock(), 'first start: the day''s meetings are due at once')
FROM raceday.poll_targets WHERE target = 'meetings:2026-07-17:0';
SELECT lives_ok($$SELECT raceday.plan_day('2026-07-18')$$, 'plan the next day');
SELECT is(next_poll_at, '2026-07-17 18:00Z'::timestamptz, 'later days: due at 06:00 NZ')
FROM raceday.poll_targets WHERE target = 'meetings:2026-07-18:0';
SELECT lives_ok($$SELECT raceday.plan_day('2026-07-18')$$, 'plan it again');
SELECT is(count(*), 1::bigint, 'planning a day twice changes nothing') FROM raceday.poll_targets WHERE day = '2026-07-18';

-- After an outage: a far race overdue by more than its interval is spread
-- over it; a race about to start stays due now.
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Te Rapa', 'NZ', 'T', '2026-07-17');
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time) VALUES
    ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'R1', 1, raceday.clock() + interval '3 hours'),
    ('00000000-0000-4000-8000-000000000012', '00000000-0000-4000-8000-000000000001', 'R2', 2, raceday.clock() + interval '2 minutes');
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
SELECT race_id::text, 'event', race_id, raceday.clock() - interval '1 hour' FROM raceday.races;
SELECT is(raceday.spread_overdue(), 1, 'one overdue race is spread');
SELECT ok((SELECT next_poll_at > raceday.clock() AND next_poll_at <= raceday.clock() + interval '5 minutes'
           FROM raceday.poll_targets WHERE target = '00000000-0000-4000-8000-000000000011')
          AND (SELECT next_poll_at < raceday.clock() FROM raceday.poll_targets
               WHERE target = '00000000-0000-4000-8000-000000000012'),
          'the far race moves within its 5 minutes; the race about to start stays due');

SELECT * FROM finish();
ROLLBACK;
