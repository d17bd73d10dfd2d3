-- ops.partitions on a simulated day: both history tables' daily
-- partitions, premade a week ahead, each with its NZ racing day, its rows
-- and size.
BEGIN;
SELECT plan(7);

SELECT is((SELECT count(*) FROM ops.partitions),
          (SELECT count(*) FROM pg_inherits
           WHERE inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)),
          'every partition of both history tables');
-- Bounds are NZ midnights, shown in UTC (the server's time zone).
SELECT is((SELECT count(*) FROM ops.partitions p, generate_series(0, 7) i,
                  LATERAL (SELECT raceday.nz_racing_day(now()) + i AS d) day
           WHERE p.racing_day = d
             AND p.bounds = format('FOR VALUES FROM (%L) TO (%L)', d::timestamp AT TIME ZONE 'Pacific/Auckland',
                                   (d + 1)::timestamp AT TIME ZONE 'Pacific/Auckland')),
          16::bigint, 'today and the next seven NZ racing days, for both tables, each with its day');
SELECT is(ARRAY(SELECT DISTINCT parent FROM ops.partitions ORDER BY 1),
          ARRAY['raceday.money_flow_history', 'raceday.odds_history'], 'parents by name, schema-qualified');
SELECT ok((SELECT bool_and(partition = parent || '_' || to_char(racing_day, 'YYYYMMDD')) FROM ops.partitions),
          'each partition named after its parent and day');
-- Statistics, not counts. A backend flushes its counts as it exits, which on
-- a loaded machine can be a moment after the replay's connections closed: wait
-- (at most 10 s) until both tables' statistics have caught up, reading fresh
-- statistics each time (pg_stat_clear_snapshot), then compare.
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN (SELECT sum(live_rows) FROM ops.partitions WHERE parent = 'raceday.money_flow_history')
                      = (SELECT count(*) FROM raceday.money_flow_history)
              AND (SELECT sum(live_rows) FROM ops.partitions WHERE parent = 'raceday.odds_history')
                      = (SELECT count(*) FROM raceday.odds_history);
        PERFORM pg_sleep(0.05);
    END LOOP;
END
$$;
SELECT is((SELECT sum(live_rows) FROM ops.partitions WHERE parent = 'raceday.money_flow_history'),
          (SELECT count(*) FROM raceday.money_flow_history)::numeric, 'money flow rows by partition add up');
SELECT is((SELECT sum(live_rows) FROM ops.partitions WHERE parent = 'raceday.odds_history'),
          (SELECT count(*) FROM raceday.odds_history)::numeric, 'odds rows by partition add up');
SELECT ok((SELECT bool_and(total_bytes = pg_total_relation_size(partition::regclass)
                           AND total_size = pg_size_pretty(total_bytes))
           FROM ops.partitions), 'sizes, in bytes and readable');

SELECT * FROM finish();
ROLLBACK;
