-- money_flow_latest follows the history: the latest row of each race,
-- runner and bucket, through inserts, late rows and deletes.
BEGIN;
SELECT plan(6);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Ellerslie', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1, now() + interval '20 minutes');
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number) VALUES
    ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000f1', 'Alpha', 1),
    ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000f1', 'Bravo', 2);

CREATE PROCEDURE pg_temp.flow(entrant text, bucket numeric, age interval, amount bigint)
LANGUAGE sql AS $$
    INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                            win_pool_amount, event_timestamp, polling_timestamp)
    VALUES ('00000000-0000-4000-8000-0000000000f1', ('00000000-0000-4000-8000-00000000000' || entrant)::uuid, 1,
            bucket, bucket + 0.5, '2m', amount, now() - age, now() - age)
$$;

CALL pg_temp.flow('a', 25, '3 minutes', 100);
CALL pg_temp.flow('a', 20, '2 minutes', 150);
CALL pg_temp.flow('a', 20, '1 minute', 170);
CALL pg_temp.flow('b', 20, '1 minute', 40);
SELECT results_eq($$SELECT entrant_id::text, time_interval, win_pool_amount FROM raceday.money_flow_latest ORDER BY 1, 2 DESC$$,
    $$VALUES ('00000000-0000-4000-8000-00000000000a', 25.0::numeric(5,1), 100::bigint),
             ('00000000-0000-4000-8000-00000000000a', 20.0, 170), ('00000000-0000-4000-8000-00000000000b', 20.0, 40)$$,
    'one row per runner and bucket, the latest of the bucket');

-- Several polls of one bucket in a single statement: the latest wins.
INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                        win_pool_amount, event_timestamp, polling_timestamp)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000b', 2, 15, 15.5, '2m', 60,
        now() - interval '20 seconds', now()),
       ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000b', 3, 15, 15.2, '2m', 80,
        now() - interval '10 seconds', now());
SELECT is((SELECT win_pool_amount FROM raceday.money_flow_latest WHERE entrant_id = '00000000-0000-4000-8000-00000000000b'
           AND time_interval = 15), 80::bigint, 'within one statement the latest observation is kept');

CALL pg_temp.flow('a', 20, '90 seconds', 999);
SELECT is((SELECT win_pool_amount FROM raceday.money_flow_latest WHERE entrant_id = '00000000-0000-4000-8000-00000000000a'
           AND time_interval = 20), 170::bigint, 'an older observation arriving late does not replace a newer one');

DELETE FROM raceday.money_flow_history WHERE win_pool_amount = 170;
SELECT is((SELECT win_pool_amount FROM raceday.money_flow_latest WHERE entrant_id = '00000000-0000-4000-8000-00000000000a'
           AND time_interval = 20), 999::bigint, 'deleting the latest row brings back the next latest');

DELETE FROM raceday.money_flow_history WHERE entrant_id = '00000000-0000-4000-8000-00000000000a';
SELECT is((SELECT count(*) FROM raceday.money_flow_latest WHERE entrant_id = '00000000-0000-4000-8000-00000000000a'),
          0::bigint, 'a runner whose history is gone has no latest rows');

SELECT results_eq($$SELECT id, win_pool_amount, created_at FROM raceday.money_flow_latest ORDER BY id$$,
    $$SELECT * FROM (SELECT DISTINCT ON (entrant_id, time_interval) id, win_pool_amount, created_at
                     FROM raceday.money_flow_history ORDER BY entrant_id, time_interval, event_timestamp DESC) x
      ORDER BY id$$,
    'the table equals the latest rows computed from the history');

SELECT * FROM finish();
ROLLBACK;
