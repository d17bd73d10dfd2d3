-- Deploy raceday:ingest to pg
-- requires: ingest@v0.3.0
-- Why: ingest_meetings read TAB's echo of the page limit with a plain
-- ::integer cast, outside the transform's subtransaction: a page whose
-- params.limit was not an integer ("abc", 1e308, {}) failed the whole call,
-- and the fetcher kept valid JSON as an "invalid JSON" failure instead of
-- storing it. The echo is now read only when it is a positive integer, else
-- the configured page size counts.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.meetings_page_limit(response jsonb, page_size integer) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
DECLARE
    echoed text := response #>> '{params,limit}';
BEGIN
    -- Nested, not one CASE: the planner folds a CASE over constants and
    -- would evaluate the cast even where pg_input_is_valid said no.
    IF pg_input_is_valid(echoed, 'integer') THEN
        IF echoed::integer > 0 THEN
            RETURN echoed::integer;
        END IF;
    END IF;
    RETURN page_size;
END
$$;
COMMENT ON FUNCTION raceday.meetings_page_limit(jsonb, integer) IS
    'The page limit TAB echoes in a meetings response (params.limit) when it is a positive integer, else page_size.';

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

COMMIT;
