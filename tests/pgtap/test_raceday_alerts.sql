-- Alerts in the database: the deployed module through its wrapper, the
-- trigger that raises them as history rows land, and their removal with
-- the history (reprocess).
BEGIN;
SELECT plan(7);

SELECT is(raceday.detect_alerts('{a,b,a,b}', '{10,10,5,5}', '{40,240,100,240}', '{14,86,20,80}', '{12.00,1.5,7.00,1.5}', 5)
           @> '[{"entrant_id": "a", "kind": "money", "value": 15.13}, {"entrant_id": "a", "kind": "odds", "value": 41.67}]',
  true, 'the wrapper runs the module: the client''s cases, +15.13 points and 41.67 % shorter');

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Awapuni', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1, now() + interval '1 minute');
INSERT INTO raceday.entrants (entrant_id, race_id, name, runner_number) VALUES
    ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000f1', 'Outsider', 1),
    ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000f1', 'Favourite', 2);

-- Two polls, as the transform writes them: one statement per poll and bucket.
INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                        hold_percentage, incremental_win_amount, fixed_win_odds, event_timestamp,
                                        polling_timestamp)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 1, 2, 2.2, '30s', 3, 300, 40.00,
        now() - interval '60 seconds', now()),
       ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000b', 1, 2, 2.2, '30s', 97, 9700, 1.10,
        now() - interval '60 seconds', now());
SELECT is((SELECT count(*) FROM raceday.race_alerts), 0::bigint, 'a first bucket raises nothing');
INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                        hold_percentage, incremental_win_amount, fixed_win_odds, event_timestamp,
                                        polling_timestamp)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 2, 1, 1.2, '30s', 9, 6000, 12.00,
        now() - interval '30 seconds', now()),
       ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000b', 2, 1, 1.2, '30s', 91, 4000, 1.15,
        now() - interval '30 seconds', now());
SELECT results_eq($$SELECT entrant_id::text, kind, staging_id, time_interval FROM raceday.race_alerts ORDER BY kind$$,
    $$VALUES ('00000000-0000-4000-8000-00000000000a', 'money', 2::bigint, 1.0::numeric(5,1)),
             ('00000000-0000-4000-8000-00000000000a', 'odds', 2, 1.0),
             ('00000000-0000-4000-8000-00000000000a', 'plunge', 2, 1.0)$$,
    'the outsider''s surge raises money, odds and plunge alerts, on the poll that showed it');
SELECT is((SELECT evidence FROM raceday.race_alerts WHERE kind = 'plunge'),
          '{"buckets": [2.0, 1.0], "shares": [3.0, 60.0], "odds": [40.0, 12.0], "pool_share_before": 3.0}'::jsonb,
          'the plunge carries its evidence: buckets, shares of their money, odds, standing before');

-- The same bucket polled again raises nothing twice.
INSERT INTO raceday.money_flow_history (race_id, entrant_id, staging_id, time_interval, time_to_start, interval_type,
                                        hold_percentage, incremental_win_amount, fixed_win_odds, event_timestamp,
                                        polling_timestamp)
VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-00000000000a', 3, 1, 1.1, '30s', 12, 9000, 9.00,
        now() - interval '20 seconds', now());
SELECT is((SELECT count(*) FROM raceday.race_alerts), 3::bigint, 'one alert per runner, bucket and kind');

SELECT lives_ok($$SET LOCAL ROLE web_anon;
                  SELECT * FROM api.race_alerts; SELECT * FROM api.race_alerts_for('00000000-0000-4000-8000-0000000000f1');
                  RESET ROLE$$, 'web_anon reads the alerts');

DELETE FROM raceday.money_flow_history WHERE race_id = '00000000-0000-4000-8000-0000000000f1';
SELECT is((SELECT count(*) FROM raceday.race_alerts), 0::bigint, 'deleting the history (a reprocess) forgets its alerts');

SELECT * FROM finish();
ROLLBACK;
