-- Claims lease due targets, never twice; release hands them back; bad input
-- is refused with a clear message.
BEGIN;
SELECT plan(9);

DELETE FROM raceday.poll_targets;
UPDATE raceday.settings SET clock_virtual = '2026-07-16 20:00Z', clock_real = now(), clock_speed = 1;
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Trentham', 'NZ', 'T', '2026-07-17');
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
SELECT format('00000000-0000-4000-8000-%s', lpad(n::text, 12, '0'))::uuid, '00000000-0000-4000-8000-000000000001',
       'R' || n, n, raceday.clock() + n * interval '30 minutes'
FROM generate_series(1, 4) n;
-- Three due events; the fourth is not due yet. (The day's meetings page is
-- added by the claim itself.)
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
SELECT race_id::text, 'event', race_id,
       CASE WHEN race_number < 4 THEN raceday.clock() - race_number * interval '1 second' ELSE raceday.clock() + interval '1 hour' END
FROM raceday.races;

CREATE TEMP TABLE first_claim AS SELECT * FROM raceday.claim_due_polls('fetcher-a', 2);
SELECT is((SELECT array_agg(target ORDER BY target) FROM first_claim),
          ARRAY['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'],
          'a claim takes at most max_polls, the most overdue first');
SELECT is((SELECT path FROM first_claim WHERE target LIKE '%3'), '/racing/events/00000000-0000-4000-8000-000000000003',
          'an event claim names the event path');

CREATE TEMP TABLE second_claim AS SELECT * FROM raceday.claim_due_polls('fetcher-b', 10);
SELECT is((SELECT count(*) FROM second_claim s JOIN first_claim f USING (target)), 0::bigint,
          'a second fetcher never gets a leased target');
SELECT is((SELECT array_agg(kind ORDER BY kind) FROM second_claim), ARRAY['event', 'meetings'],
          'it gets the other due event and the day''s meetings page (added by the claim), not the future race');
SELECT is((SELECT query FROM second_claim WHERE kind = 'meetings'),
          '{"limit": "100", "offset": "0", "date_to": "2026-07-17", "date_from": "2026-07-17"}'::jsonb,
          'a meetings claim says which NZ day and page to fetch');

SELECT is(raceday.release_polls('fetcher-a'), 2, 'release hands back the leases of a stopping fetcher');
SELECT is((SELECT count(*) FROM raceday.claim_due_polls('fetcher-c', 10)), 2::bigint,
          'released targets are due again at once');

SELECT throws_ok($$SELECT * FROM raceday.claim_due_polls('', 5)$$, '22023', NULL, 'an empty worker name is refused');
SELECT throws_ok($$SELECT * FROM raceday.claim_due_polls('w', 0)$$, '22023',
                 'claim_due_polls: max_polls must be within 1..1000, not 0', 'a bad max_polls is refused');

SELECT * FROM finish();
ROLLBACK;
