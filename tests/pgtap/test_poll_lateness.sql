-- Each claim records how late past due it came, and counts the claims more
-- than 15 s late in a row; one on time resets the count. An ingest or a
-- release (the lease handed back) counts nothing.
BEGIN;
SELECT plan(10);

DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-16 20:00Z', clock_real = now(), clock_speed = 1;
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Trentham', 'NZ', 'T', '2026-07-17');
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
VALUES ('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'R1', 1,
        raceday.clock() + interval '10 minutes');
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
VALUES ('00000000-0000-4000-8000-000000000011', 'event', '00000000-0000-4000-8000-000000000011',
        raceday.clock() - interval '20 seconds');
-- The day's meetings page, already polled: only the race is due.
INSERT INTO raceday.poll_targets (target, kind, day, page_offset, next_poll_at)
VALUES ('meetings:2026-07-17:0', 'meetings', '2026-07-17', 0, raceday.clock() + interval '1 hour');

CREATE FUNCTION pg_temp.claim_late(late interval) RETURNS integer LANGUAGE sql AS $$
    UPDATE raceday.poll_targets SET next_poll_at = raceday.clock() - late, lease_owner = NULL, lease_until = NULL
    WHERE kind = 'event';
    SELECT count(*)::integer FROM raceday.claim_due_polls('fetcher-a', 10);
    SELECT late_streak FROM raceday.poll_targets WHERE kind = 'event';
$$;

SELECT is(pg_temp.claim_late('20 seconds'), 1, 'a claim 20 s past due is one late claim');
SELECT ok((SELECT claim_lag BETWEEN interval '20 seconds' AND interval '21 seconds' FROM raceday.poll_targets
           WHERE kind = 'event'), 'the claim records how late it came');
SELECT is(pg_temp.claim_late('16 seconds'), 2, 'a second late claim in a row counts two');
SELECT is(pg_temp.claim_late('10 minutes'), 3, 'a third counts three (what the alert waits for)');
SELECT is(pg_temp.claim_late('14 seconds'), 0, 'a claim within 15 s of due resets the count');
SELECT is((SELECT claim_lag < interval '15 seconds' FROM raceday.poll_targets WHERE kind = 'event'), true,
          'and records its own lag');

SELECT is(pg_temp.claim_late('1 minute'), 1, 'late again: one');
SELECT is(raceday.release_polls('fetcher-a'), 1, 'the fetcher hands its lease back');
SELECT is((SELECT late_streak FROM raceday.poll_targets WHERE kind = 'event'), 1,
          'handing the lease back counts nothing');
UPDATE raceday.poll_targets SET next_poll_at = raceday.clock() + interval '1 minute' WHERE kind = 'event';
SELECT is((SELECT late_streak FROM raceday.poll_targets WHERE kind = 'event'), 1,
          'nor does a new due time (an ingest, or a spread after an outage)');

SELECT * FROM finish();
ROLLBACK;
