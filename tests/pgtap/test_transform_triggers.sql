-- The triggers that fire inside transform_event, as its header names them:
-- which ones, on which of the tables its parts write, and in which order.
-- PostgreSQL fires the triggers of one event in the byte order of their
-- names; the alerts read the latest rows, so money_flow_latest_insert must
-- sort before race_alerts_detect. A probe named between the two shows the
-- order as PostgreSQL keeps it; the quality score shows the quality part
-- runs after the money flow.
BEGIN;
SELECT plan(7);

SELECT set_eq($$SELECT tgrelid::regclass::text, tgname::text, pg_get_triggerdef(oid) ~ ' FOR EACH ROW ',
                       substring(pg_get_triggerdef(oid) FROM ' (BEFORE|AFTER) ([A-Z ]+) ON ')
                FROM pg_trigger
                WHERE NOT tgisinternal AND tgparentid = 0 AND tgtype & (4 | 16) <> 0  -- on insert or update
                  AND tgrelid IN ('raceday.meetings'::regclass, 'raceday.races'::regclass,
                                  'raceday.entrants'::regclass, 'raceday.race_pools'::regclass,
                                  'raceday.race_results'::regclass, 'raceday.odds_history'::regclass,
                                  'raceday.money_flow_history'::regclass, 'raceday.poll_quality'::regclass)$$,
    $$VALUES ('raceday.meetings', 'touch_updated_at', true, 'BEFORE'), ('raceday.races', 'touch_updated_at', true, 'BEFORE'),
             ('raceday.entrants', 'touch_updated_at', true, 'BEFORE'),
             ('raceday.race_pools', 'touch_updated_at', true, 'BEFORE'),
             ('raceday.race_results', 'touch_updated_at', true, 'BEFORE'),
             ('raceday.money_flow_history', 'money_flow_latest_insert', false, 'AFTER'),
             ('raceday.money_flow_history', 'race_alerts_detect', false, 'AFTER'),
             ('raceday.poll_quality', 'score_poll_quality', true, 'BEFORE')$$,
    'the tables transform_event writes have the triggers its header names, and no others');

-- tgtype bits: 1 row, 2 before, 4 insert (pg_trigger.h).
SELECT is(ARRAY(SELECT tgname::text FROM pg_trigger
                WHERE tgrelid = 'raceday.money_flow_history'::regclass AND NOT tgisinternal
                  AND tgtype & 1 = 0 AND tgtype & 2 = 0 AND tgtype & 4 = 4
                ORDER BY tgname COLLATE "C"),
          ARRAY['money_flow_latest_insert', 'race_alerts_detect'],
          'after a money-flow insert: the latest rows first, then the alerts that read them (name order)');
SELECT is(ARRAY(SELECT tgname::text FROM pg_trigger
                WHERE tgrelid = 'raceday.poll_quality'::regclass AND NOT tgisinternal AND tgtype & 4 = 4),
          ARRAY['score_poll_quality'], 'a quality row is scored by its one insert trigger');

-- The probe fires between the two (its name sorts between theirs) and
-- records what the poll's rows look like at that moment.
CREATE TEMP TABLE probe (staging_id bigint, latest_rows bigint, alerts bigint);
-- The ingest runs as the owner (SECURITY DEFINER), and so do the triggers.
GRANT INSERT ON probe TO raceday_owner;
CREATE FUNCTION pg_temp.probe() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO probe
    SELECT n.staging_id, (SELECT count(*) FROM raceday.money_flow_latest l WHERE l.staging_id = n.staging_id),
           (SELECT count(*) FROM raceday.race_alerts a WHERE a.staging_id = n.staging_id)
    FROM (SELECT DISTINCT staging_id FROM new_rows) n;
    RETURN NULL;
END
$$;
CREATE TRIGGER money_flow_latest_insert_probe AFTER INSERT ON raceday.money_flow_history
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.probe();

-- Race R starts at 2026-07-17 03:00Z (epoch 1784257200); runners A and B.
CREATE FUNCTION pg_temp.poll(generated text, win numeric, a_hold numeric, b_hold numeric) RETURNS bigint
LANGUAGE sql AS $$
SELECT raceday.ingest_event('00000000-0000-4000-8000-0000000000f1', jsonb_build_object(
    'header', jsonb_build_object('generated_time', generated),
    'data', jsonb_build_object(
        'race', jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000000f1', 'meeting_id',
                                   '00000000-0000-4000-8000-0000000000e1', 'meeting_name', 'Otaki', 'country', 'NZ',
                                   'type', 'T', 'race_date_nz', '2026-07-17', 'start_time_nz', '15:00:00 NZST',
                                   'description', 'Maiden 1200', 'race_number', 1, 'status', 'Open',
                                   'advertised_start', 1784257200, 'field_size', 2),
        'runners', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'name', 'Alpha',
                               'runner_number', 1, 'odds', jsonb_build_object('fixed_win', 8.0)),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'name', 'Bravo',
                               'runner_number', 2, 'odds', jsonb_build_object('fixed_win', 1.5))),
        'money_tracker', jsonb_build_object('entrants', jsonb_build_array(
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000a', 'hold_percentage', a_hold,
                               'bet_percentage', a_hold),
            jsonb_build_object('entrant_id', '00000000-0000-4000-8000-00000000000b', 'hold_percentage', b_hold,
                               'bet_percentage', b_hold))),
        'tote_pools', jsonb_build_array(jsonb_build_object('product_type', 'Win', 'total', win),
                                        jsonb_build_object('product_type', 'Place', 'total', win / 2)))),
    generated::timestamptz)
$$;

-- 62 min out, bucket 60: Alpha 10 % of 1,000. 57 min out, bucket 55: Alpha
-- takes 90 % of the 1,000 that arrived, up 80 points on bucket 60.
CREATE TEMP TABLE polls (name text PRIMARY KEY, staging_id bigint);
INSERT INTO polls VALUES ('baseline', pg_temp.poll('2026-07-17T01:58:00Z', 1000, 10, 90));
INSERT INTO polls VALUES ('surge', pg_temp.poll('2026-07-17T02:03:00Z', 2000, 50, 50));
SELECT results_eq($$SELECT latest_rows, alerts FROM probe JOIN polls USING (staging_id) WHERE name = 'surge'$$,
    $$VALUES (2::bigint, 0::bigint)$$,
    'between the two triggers the poll''s latest rows are written and its alerts not yet');
SELECT ok(EXISTS (SELECT FROM raceday.race_alerts a JOIN polls p USING (staging_id)
                  WHERE p.name = 'surge' AND a.kind = 'money' AND a.entrant_id = '00000000-0000-4000-8000-00000000000a'),
          'the alerts, fired next, read those rows: the surge raises a money alert on the poll that showed it');

-- 30 min out, bucket 30: the pool shrinks (a refund), a negative increment.
INSERT INTO polls VALUES ('refund', pg_temp.poll('2026-07-17T02:30:00Z', 1500, 50, 50));
SELECT ok((SELECT q.reasons::text LIKE '%negative increment%'
           FROM raceday.poll_quality q JOIN polls USING (staging_id) WHERE name = 'refund'),
          'the quality row, written after the money flow, counts that poll''s negative increments');
SELECT is((SELECT count(*) FROM raceday.poll_quality JOIN polls USING (staging_id)), 3::bigint,
          'one quality row per poll');

SELECT * FROM finish();
ROLLBACK;
