-- Revert raceday:ingest from pg: the functions of ingest@v0.4.0, which take
-- the response as jsonb. Their versions here call the text versions, so
-- they are replaced first and the text versions dropped after.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.ingest_meetings(response jsonb, received_at timestamptz DEFAULT now(),
                                        meta jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    v_day date;
    v_offset integer;
    page_size integer;
    v_target text := meta ->> 'target';
    stored record;
BEGIN
    IF response IS NULL THEN
        RAISE EXCEPTION 'ingest_meetings: response is null; record failures with ingest_failure'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF v_target IS NULL THEN
        -- A replay without its claim: the page is named by TAB's own echo.
        v_target := format('meetings:%s:%s', left(response #>> '{params,date_from}', 10),
                         coalesce(response #>> '{params,offset}', '0'));
    END IF;
    IF v_target !~ '^meetings:\d{4}-\d\d-\d\d:\d+$' THEN
        RAISE EXCEPTION 'ingest_meetings: target % is not meetings:<YYYY-MM-DD>:<offset>', v_target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_day := split_part(v_target, ':', 2)::date;
    v_offset := split_part(v_target, ':', 3)::integer;

    stored := raceday.store_response('meetings', v_target, response, received_at, meta);
    IF stored.is_new THEN
        PERFORM raceday.run_transform(stored.staging_id, 'meetings');
    END IF;

    -- A full page means there may be more: schedule the next one now.
    SELECT s.meetings_page_size INTO page_size FROM raceday.settings s;
    IF jsonb_typeof(response #> '{data,meetings}') = 'array'
       AND jsonb_array_length(response #> '{data,meetings}') >= raceday.meetings_page_limit(response, page_size) THEN
        INSERT INTO raceday.poll_targets (target, kind, day, page_offset, next_poll_at)
        VALUES (format('meetings:%s:%s', v_day, v_offset + page_size), 'meetings', v_day, v_offset + page_size,
                raceday.clock())
        ON CONFLICT (target) DO UPDATE SET next_poll_at = least(raceday.poll_targets.next_poll_at, excluded.next_poll_at);
    END IF;

    -- Refresh through the racing day; a past day is done.
    INSERT INTO raceday.poll_targets AS t (target, kind, day, page_offset, next_poll_at, last_polled_at,
                                          last_status, polls)
    SELECT v_target, 'meetings', v_day, v_offset,
           CASE WHEN v_day >= raceday.nz_racing_day(raceday.clock()) THEN raceday.clock() + s.meetings_refresh END,
           raceday.clock(), coalesce((meta ->> 'http_status')::integer, 200), 1
    FROM raceday.settings s
    ON CONFLICT (target) DO UPDATE
        SET next_poll_at = excluded.next_poll_at, last_polled_at = excluded.last_polled_at,
            last_status = excluded.last_status, polls = t.polls + 1, failures = 0,
            lease_owner = NULL, lease_until = NULL;
    RETURN stored.staging_id;
END
$$;
COMMENT ON FUNCTION raceday.ingest_meetings(jsonb, timestamptz, jsonb) IS
    'Stores a GET /racing/meetings response, transforms it, schedules the next page and the refresh; returns the staging id.';

CREATE OR REPLACE FUNCTION raceday.ingest_event(race_id text, response jsonb, received_at timestamptz DEFAULT now(),
                                     meta jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    stored record;
BEGIN
    IF race_id IS NULL OR NOT pg_input_is_valid(race_id, 'uuid') THEN
        RAISE EXCEPTION 'ingest_event: race_id % is not a uuid', race_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF response IS NULL THEN
        RAISE EXCEPTION 'ingest_event: response is null; record failures with ingest_failure'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    stored := raceday.store_response('event', race_id, response, received_at, meta);
    IF stored.is_new THEN
        PERFORM raceday.run_transform(stored.staging_id, 'event');
    END IF;
    UPDATE raceday.poll_targets t
    SET next_poll_at = raceday.next_poll_time(r.status, r.start_time, raceday.clock()),
        last_polled_at = raceday.clock(), last_status = coalesce((meta ->> 'http_status')::integer, 200),
        polls = t.polls + 1, failures = 0, lease_owner = NULL, lease_until = NULL
    FROM raceday.races r
    WHERE t.target = ingest_event.race_id AND r.race_id = t.race_id;
    RETURN stored.staging_id;
END
$$;
COMMENT ON FUNCTION raceday.ingest_event(text, jsonb, timestamptz, jsonb) IS
    'Stores a GET /racing/events/{id} response, transforms it and schedules the race''s next poll; returns the staging id.';

DROP FUNCTION raceday.ingest_meetings(text, timestamptz, jsonb);
DROP FUNCTION raceday.ingest_event(text, text, timestamptz, jsonb);
DROP FUNCTION raceday.run_transform(bigint, text, jsonb);

-- Runs a transform and records its outcome on the raw row.
CREATE FUNCTION raceday.run_transform(staging_id bigint, kind text) RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    failure text;
BEGIN
    BEGIN
        IF kind = 'meetings' THEN
            PERFORM raceday.transform_meetings(staging_id);
        ELSE
            PERFORM raceday.transform_event(staging_id);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        failure := SQLSTATE || ': ' || SQLERRM;
    END;
    UPDATE staging.raw_responses SET processed_at = clock_timestamp(), transform_error = failure
    WHERE id = staging_id;
    RETURN failure IS NULL;
END
$$;
COMMENT ON FUNCTION raceday.run_transform(bigint, text) IS
    'Transforms a stored response in a subtransaction; a failure quarantines it (transform_error) instead of raising.';

COMMIT;
