-- Retention of the derived plain tables: latest money-flow rows and alerts
-- older than the history retention go, recent ones stay.
BEGIN;
SELECT plan(3);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Otaki', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1, now());
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number)
VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000f1', 'Alpha', 1);
-- Written directly: the history of 40 days ago has no partition any more.
INSERT INTO raceday.money_flow_latest (id, race_id, entrant_id, staging_id, type, pool_type, time_interval, time_to_start,
                                       interval_type, event_timestamp, polling_timestamp, created_at)
VALUES (1, '00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 1, 'bucketed_aggregation',
        'combined', 10, 10.5, '2m', now() - interval '40 days', now(), now()),
       (2, '00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 2, 'bucketed_aggregation',
        'combined', 5, 5.5, '2m', now() - interval '1 day', now(), now());
INSERT INTO raceday.race_alerts (race_id, entrant_id, time_interval, kind, value, evidence, staging_id, observed_at)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 10, 'money', 6, '{}', 1,
        now() - interval '40 days');

SELECT is(raceday.prune_derived(), 2::bigint, 'one old latest row and one old alert are deleted');
SELECT is(ARRAY(SELECT id FROM raceday.money_flow_latest), ARRAY[2::bigint], 'the recent latest row stays');
SELECT is((SELECT count(*) FROM raceday.race_alerts), 0::bigint, 'the old alert is gone');

SELECT * FROM finish();
ROLLBACK;
