-- Deploy raceday:ensure_history_partitions to pg
-- requires: money_flow_history odds_history
-- Why: history tables have no default partition (a row outside every day is
-- an error worth seeing, not a silent catch-all), so the days ahead must
-- exist before their polls arrive. This function creates the missing daily
-- partitions of both history tables for a range of NZ racing days; existing
-- ones are left alone, so any caller (deploy, pg_cron, a replay of an old
-- day) may run it at any time. It runs as the owner so every partition is
-- owned by raceday_owner whoever calls it.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.ensure_history_partitions(first_day date, last_day date)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    parent  text;
    day     date;
    part    text;
    created integer := 0;
BEGIN
    IF first_day IS NULL OR last_day IS NULL OR last_day < first_day THEN
        RAISE EXCEPTION 'ensure_history_partitions: need first_day <= last_day, got % and %', first_day, last_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF last_day - first_day > 400 THEN
        RAISE EXCEPTION 'ensure_history_partitions: % days requested; at most 401 at once', last_day - first_day + 1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two callers at once (deploy and a cron run) must not race to create
    -- the same partition.
    PERFORM pg_advisory_xact_lock(hashtext('raceday.ensure_history_partitions'));
    FOREACH parent IN ARRAY ARRAY['money_flow_history', 'odds_history'] LOOP
        FOR day IN SELECT d::date FROM generate_series(first_day, last_day, interval '1 day') AS d LOOP
            part := format('%s_%s', parent, to_char(day, 'YYYYMMDD'));
            CONTINUE WHEN to_regclass(format('raceday.%I', part)) IS NOT NULL;
            EXECUTE format('CREATE TABLE raceday.%I PARTITION OF raceday.%I FOR VALUES FROM (%L) TO (%L)',
                           part, parent, nz_day_start(day), nz_day_start(day + 1));
            EXECUTE format('COMMENT ON TABLE raceday.%I IS %L', part,
                           format('%s for NZ racing day %s', parent, day));
            created := created + 1;
        END LOOP;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION raceday.ensure_history_partitions(date, date) IS
    'Creates the missing daily partitions (NZ racing days, inclusive range) of both history tables; returns how many.';

DO $$
BEGIN
    PERFORM raceday.ensure_history_partitions(raceday.nz_racing_day(now()), raceday.nz_racing_day(now()) + 7);
END
$$;

COMMIT;
