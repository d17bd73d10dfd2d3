-- touch_updated_at: updated_at moves only when a column really changes.
BEGIN;
SELECT plan(2);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'Riccarton', 'NZ', 'T', '2026-07-17',
        '2026-07-17 00:00Z', '2026-07-17 00:00Z');

UPDATE raceday.meetings SET meeting_name = 'Riccarton' WHERE meeting_id = '00000000-0000-4000-8000-000000000001';
SELECT is(updated_at, '2026-07-17 00:00Z'::timestamptz, 'a no-op update keeps updated_at')
FROM raceday.meetings WHERE meeting_id = '00000000-0000-4000-8000-000000000001';

UPDATE raceday.meetings SET track_condition = 'Good 4' WHERE meeting_id = '00000000-0000-4000-8000-000000000001';
SELECT is(updated_at, now(), 'a real change moves updated_at to now()')
FROM raceday.meetings WHERE meeting_id = '00000000-0000-4000-8000-000000000001';

SELECT * FROM finish();
ROLLBACK;
