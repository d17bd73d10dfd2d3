-- History partitions cover NZ racing days: bounds are Pacific/Auckland
-- midnights, so the DST days are 25 h (2026-04-05) and 23 h (2026-09-27).
BEGIN;
SELECT plan(13);

SELECT is(raceday.ensure_history_partitions('2026-04-05', '2026-04-05'), 2,
    'one day creates one partition per history table');
SELECT is(raceday.ensure_history_partitions('2026-04-05', '2026-04-05'), 0,
    'a second call creates nothing (idempotent)');
SELECT is(raceday.ensure_history_partitions('2026-07-16', '2026-07-18'), 6, 'a range creates every day of it');
SELECT is(raceday.ensure_history_partitions('2026-09-27', '2026-09-27'), 2, 'the spring DST day');

CREATE TEMP VIEW bounds AS
SELECT c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'raceday.money_flow_history'::regclass;

SET LOCAL timezone = 'UTC';
SELECT is((SELECT bound FROM bounds WHERE name = 'money_flow_history_20260717'),
    $$FOR VALUES FROM ('2026-07-16 12:00:00+00') TO ('2026-07-17 12:00:00+00')$$,
    'ordinary NZ day 2026-07-17 = [2026-07-16 12:00Z, 2026-07-17 12:00Z)');
SELECT is((SELECT bound FROM bounds WHERE name = 'money_flow_history_20260405'),
    $$FOR VALUES FROM ('2026-04-04 11:00:00+00') TO ('2026-04-05 12:00:00+00')$$,
    'NZDT ends: NZ day 2026-04-05 lasts 25 hours');
SELECT is((SELECT bound FROM bounds WHERE name = 'money_flow_history_20260927'),
    $$FOR VALUES FROM ('2026-09-26 12:00:00+00') TO ('2026-09-27 11:00:00+00')$$,
    'NZDT starts: NZ day 2026-09-27 lasts 23 hours');
SELECT is((SELECT upper - lower FROM (SELECT raceday.nz_day_start('2026-04-05') AS lower,
                                             raceday.nz_day_start('2026-04-06') AS upper) d),
    interval '25 hours', 'nz_day_start agrees: 25 h');

SELECT is(raceday.nz_racing_day('2026-04-05 11:59:59Z'), '2026-04-05'::date,
    'the last second of the long day belongs to it');
SELECT is(raceday.nz_racing_day('2026-09-27 11:00:00Z'), '2026-09-28'::date,
    'NZ midnight after the short day starts the next day');

-- A row lands in the partition of its NZ day, not its UTC day.
INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-000000000001', 'Ellerslie', 'NZ', 'T', '2026-07-17');
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'R1', 1, '2026-07-17 01:00Z');
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number)
VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 'Runner', 1);
INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', 1, 'fixed_win', 3.5,
        '2026-07-16 12:30Z');
SELECT is((SELECT tableoid::regclass::text FROM raceday.odds_history),
    'raceday.odds_history_20260717', 'a 12:30Z observation on 16 July is NZ 17 July');

SELECT throws_ok($$SELECT raceday.ensure_history_partitions('2026-07-18', '2026-07-17')$$,
    '22023', NULL, 'a reversed range is refused');
SELECT throws_ok($$INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
    VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', 1, 'fixed_win', 3.5,
            '2030-01-01 00:00Z')$$,
    '23514', NULL, 'a row outside every partition is an error, not silently kept');

SELECT * FROM finish();
ROLLBACK;
