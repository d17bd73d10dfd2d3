-- A session's own clock (raceday.clock) is the schedule's now for that
-- session only: what it claims is due by its clock, and a poll it ingests
-- is scheduled from it. Unset, settings' clock again.
BEGIN;
SELECT plan(5);

DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-16 20:00Z', clock_real = now(), clock_speed = 1e-9;
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Trentham', 'NZ', 'T', '2026-07-17');
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status)
VALUES ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'R1', 1,
        '2026-07-16 21:00Z', 'open');
-- Due ten minutes after settings' clock.
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
VALUES ('00000000-0000-4000-8000-000000000011', 'event', '00000000-0000-4000-8000-000000000011',
        '2026-07-16 20:10Z');

SELECT is((SELECT count(*) FROM raceday.claim_due_polls('fetcher-a', 10) WHERE kind = 'event'), 0::bigint,
          'by settings'' clock the race is not due');
SET LOCAL raceday.clock = '2026-07-16 20:10Z';
SELECT is(raceday.clock(), '2026-07-16 20:10Z'::timestamptz, 'the session''s clock is the schedule''s now');
SELECT is((SELECT count(*) FROM raceday.claim_due_polls('fetcher-a', 10) WHERE kind = 'event'), 1::bigint,
          'by the session''s clock it is due and claimed');
-- Not an event (quarantined): still a poll, rescheduled.
CREATE TEMP TABLE ingested AS
SELECT raceday.ingest_event('00000000-0000-4000-8000-000000000011', '{"header": {}}', '2026-07-16 20:10Z');
SELECT is((SELECT next_poll_at FROM raceday.poll_targets WHERE target = '00000000-0000-4000-8000-000000000011'),
          raceday.next_poll_time('open', '2026-07-16 21:00Z', '2026-07-16 20:10Z'),
          'the poll ingested is scheduled from the session''s clock');
SET LOCAL raceday.clock = '';
SELECT is(raceday.clock(), (SELECT clock_virtual FROM raceday.settings) + (now() - (SELECT clock_real FROM raceday.settings)) * 1e-9,
          'empty: settings'' clock again');

SELECT * FROM finish();
ROLLBACK;
