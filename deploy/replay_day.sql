-- Deploy raceday:replay_day to pg
-- requires: reprocess ensure_history_partitions poll_targets_stopped security_definer_search_path
-- Why: an archived day restored into staging (python -m archive restore)
-- must give back the derived rows the live run gave. reprocess() rebuilds
-- one race from its events, but a fresh database has no meetings or races
-- yet, and the meetings pages built them. This replays every stored
-- response of an NZ racing day in the order it was stored (the archive keeps
-- the ids), as the live ingest transformed them: meetings pages and events
-- interleaved. The day's races lose their derived rows first, so replaying
-- into a database that still holds them rebuilds instead of doubling.
-- The races' poll targets are stopped afterwards: a restored day is
-- history, and a fetcher must not start polling it again.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.replay_day(day date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    races uuid[];
    poll record;
    replayed integer := 0;
BEGIN
    IF day IS NULL THEN
        RAISE EXCEPTION 'replay_day: day is null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    races := ARRAY(SELECT DISTINCT s.target::uuid FROM staging.raw_responses s
                   WHERE s.received_at >= nz_day_start(day) AND s.received_at < nz_day_start(day + 1)
                     AND s.kind = 'event' AND pg_input_is_valid(s.target, 'uuid'));
    PERFORM FROM raceday.races r WHERE r.race_id = ANY (races) ORDER BY r.race_id FOR UPDATE;
    DELETE FROM raceday.money_flow_history h WHERE h.race_id = ANY (races);
    DELETE FROM raceday.odds_history h WHERE h.race_id = ANY (races);
    DELETE FROM raceday.poll_quality q WHERE q.race_id = ANY (races);
    DELETE FROM raceday.race_results t WHERE t.race_id = ANY (races);
    DELETE FROM raceday.race_pools t WHERE t.race_id = ANY (races);
    DELETE FROM raceday.entrants t WHERE t.race_id = ANY (races);
    -- Observations of the day may fall a little either side of its receipts.
    PERFORM raceday.ensure_history_partitions(day - 1, day + 1);
    FOR poll IN
        SELECT s.id, s.kind FROM staging.raw_responses s
        WHERE s.received_at >= nz_day_start(day) AND s.received_at < nz_day_start(day + 1) AND s.body IS NOT NULL
        ORDER BY s.id
    LOOP
        PERFORM raceday.run_transform(poll.id, poll.kind);
        replayed := replayed + 1;
    END LOOP;
    UPDATE raceday.poll_targets t
    SET stopped_at = raceday.clock(), stopped_reason = format('replayed from the archive of %s', day)
    FROM raceday.races r
    WHERE r.race_id = t.race_id AND t.stopped_at IS NULL
      AND (r.race_id = ANY (races) OR r.start_time >= nz_day_start(day) AND r.start_time < nz_day_start(day + 1));
    RETURN replayed;
END
$$;
COMMENT ON FUNCTION raceday.replay_day(date) IS
    'Rebuilds an NZ racing day from its stored responses, meetings pages and events in the order they were stored (after a restore from its archive); stops its races'' polling; returns how many responses.';

COMMIT;
