-- Deploy raceday:reprocess to pg
-- requires: ingest
-- Why: staging is the truth; everything else can be rebuilt from it. After a
-- transform is fixed, or to check the pipeline, a race's derived rows are
-- deleted and its stored polls transformed again in observation order,
-- giving the rows a live run gave. The sweep (run every minute by pg_cron)
-- retries what was never processed or was quarantined: meetings pages one by
-- one, event polls by reprocessing their race, so increments stay exact.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.reprocess(race_id uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    poll record;
    replayed integer := 0;
BEGIN
    IF race_id IS NULL THEN
        RAISE EXCEPTION 'reprocess: race_id is null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM FROM raceday.races r WHERE r.race_id = reprocess.race_id FOR UPDATE;
    DELETE FROM raceday.money_flow_history h WHERE h.race_id = reprocess.race_id;
    DELETE FROM raceday.odds_history h WHERE h.race_id = reprocess.race_id;
    DELETE FROM raceday.poll_quality q WHERE q.race_id = reprocess.race_id;
    DELETE FROM raceday.race_results t WHERE t.race_id = reprocess.race_id;
    DELETE FROM raceday.race_pools t WHERE t.race_id = reprocess.race_id;
    DELETE FROM raceday.entrants t WHERE t.race_id = reprocess.race_id;
    FOR poll IN
        SELECT s.id FROM staging.raw_responses s
        WHERE s.kind = 'event' AND s.target = reprocess.race_id::text AND s.body IS NOT NULL
        ORDER BY coalesce(s.generated_at, s.received_at), s.id
    LOOP
        PERFORM raceday.run_transform(poll.id, 'event');
        replayed := replayed + 1;
    END LOOP;
    RETURN replayed;
END
$$;
COMMENT ON FUNCTION raceday.reprocess(uuid) IS
    'Rebuilds a race''s derived rows from its stored event polls, in observation order; returns how many polls.';

CREATE FUNCTION raceday.sweep(max_rows integer DEFAULT 200) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    item record;
    fixed integer := 0;
BEGIN
    -- Runs never pile up: a sweep still running makes the next one a no-op.
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.sweep')) THEN
        RETURN 0;
    END IF;
    FOR item IN
        SELECT s.id, s.kind, s.target FROM staging.raw_responses s
        WHERE s.body IS NOT NULL AND (s.processed_at IS NULL OR s.transform_error IS NOT NULL)
        ORDER BY s.id LIMIT max_rows
    LOOP
        IF item.kind = 'event' THEN
            IF pg_input_is_valid(item.target, 'uuid') THEN
                PERFORM raceday.reprocess(item.target::uuid);
            END IF;
        ELSE
            PERFORM raceday.run_transform(item.id, item.kind);
        END IF;
        fixed := fixed + (SELECT count(*) FROM staging.raw_responses s
                          WHERE s.id = item.id AND s.transform_error IS NULL AND s.processed_at IS NOT NULL)::integer;
    END LOOP;
    RETURN fixed;
END
$$;
COMMENT ON FUNCTION raceday.sweep(integer) IS
    'Retries unprocessed or quarantined stored responses (events by reprocessing their race); returns how many now succeed.';

COMMIT;
