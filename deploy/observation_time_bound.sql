-- Deploy raceday:observation_time_bound to pg
-- requires: store_response
-- requires: ingest
-- requires: settings
-- Why: an event's observation time is TAB's header.generated_time, which
-- decides the NZ day of its history rows, and history partitions are made on
-- demand for that day: one crafted (or broken) response could create tables
-- for any date. The observation time is now bounded by the receive time:
-- - store_response notes how far generated_time is from the receipt
--   (staging.raw_responses.clock_skew), against received_at and against
--   received_at read on the schedule's clock (raceday.clock_at), whichever
--   is nearer: a fetcher hands over real receive times while a simulator it
--   polls may run a faster, shared clock (make run, the tests), and a replay
--   hands over the simulator's times;
-- - run_transform refuses to transform an event whose skew exceeds
--   settings.generated_time_tolerance (10 min): the response is stored as
--   always, quarantined with the reason, and nothing is derived from it, so
--   no partition is made. The sweep retries it (with its back-off), and a
--   larger tolerance set on purpose lets it through.
-- Taken at store time, the skew makes a reprocess decide as the live ingest
-- did, whatever the clock says later. Meetings pages use no observation
-- time and are not checked. run_transform is otherwise as in
-- ingest@v0.5.0, store_response as in store_response.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE raceday.settings
    ADD COLUMN generated_time_tolerance interval NOT NULL DEFAULT '10 minutes'
        CHECK (generated_time_tolerance >= interval '1 minute');
COMMENT ON COLUMN raceday.settings.generated_time_tolerance IS
    'An event whose generated_time is further than this from its receipt, either way, is stored but quarantined: its observation time would decide a history day.';

-- Nullable, no default: no rewrite of staging. Rows stored before are
-- judged by received_at alone.
ALTER TABLE staging.raw_responses ADD COLUMN clock_skew interval;
COMMENT ON COLUMN staging.raw_responses.clock_skew IS
    'generated_at minus the receipt (received_at, or received_at on a simulated schedule clock, whichever is nearer), taken when stored; beyond settings.generated_time_tolerance an event is quarantined.';

CREATE FUNCTION raceday.clock_at(at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE
RETURN (SELECT coalesce(s.clock_virtual + (at - s.clock_real) * s.clock_speed, at) FROM raceday.settings s);
COMMENT ON FUNCTION raceday.clock_at(timestamptz) IS
    'What raceday.clock() read (or will read) at the real instant `at`: `at` itself unless settings hold a simulated clock.';

CREATE FUNCTION raceday.duration_text(d interval) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (SELECT format('%s %s%s', x.n, u.unit, CASE WHEN x.n = 1 THEN '' ELSE 's' END)
        FROM (VALUES ('year', 31557600), ('day', 86400), ('hour', 3600), ('minute', 60), ('second', 1)) u(unit, secs),
             LATERAL (SELECT floor(abs(extract(epoch FROM d)) / u.secs)::bigint AS n) x
        WHERE x.n >= 1 OR u.unit = 'second'
        ORDER BY u.secs DESC
        LIMIT 1);
COMMENT ON FUNCTION raceday.duration_text(interval) IS
    'An interval, either sign, in its largest whole unit for messages: 4 years, 3 days, 11 minutes.';

CREATE OR REPLACE FUNCTION raceday.store_response(
    p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamptz, p_meta jsonb,
    OUT staging_id bigint, OUT is_new boolean)
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    generated text := p_response #>> '{header,generated_time}';
    v_received timestamptz := coalesce(p_received_at, now());
    v_generated timestamptz;
    v_skew interval;
    v_on_clock timestamptz;
    v_skew_on_clock interval;
BEGIN
    -- TAB writes nanoseconds; PostgreSQL keeps microseconds. A bad value
    -- leaves the column null rather than losing the response.
    IF pg_input_is_valid(generated, 'timestamptz') THEN
        v_generated := generated::timestamptz;
        -- Clamped to a millennium either way: the difference of two
        -- timestamps far apart (or infinity) does not fit an interval.
        v_skew := least(greatest(v_generated, v_received - interval '1000 years'),
                        v_received + interval '1000 years') - v_received;
        v_on_clock := raceday.clock_at(v_received);
        v_skew_on_clock := least(greatest(v_generated, v_on_clock - interval '1000 years'),
                                 v_on_clock + interval '1000 years') - v_on_clock;
        IF greatest(v_skew_on_clock, -v_skew_on_clock) < greatest(v_skew, -v_skew) THEN
            v_skew := v_skew_on_clock;
        END IF;
    END IF;
    INSERT INTO staging.raw_responses AS r
        (kind, target, url, http_status, attempt, worker, received_at, last_received_at,
         generated_at, clock_skew, body, body_bytes, content_hash)
    VALUES (p_kind, p_target, p_meta ->> 'url', coalesce((p_meta ->> 'http_status')::integer, 200),
            coalesce((p_meta ->> 'attempt')::integer, 1), p_meta ->> 'worker',
            v_received, v_received, v_generated, v_skew,
            p_text, coalesce((p_meta ->> 'bytes')::integer, octet_length(p_text)),
            staging.content_hash(p_text, generated))
    ON CONFLICT (target, content_hash) DO UPDATE
        SET seen_count = r.seen_count + 1,
            last_received_at = greatest(r.last_received_at, excluded.received_at)
    RETURNING r.id, (r.xmax = 0) INTO staging_id, is_new;
END
$$;
COMMENT ON FUNCTION raceday.store_response(text, text, text, jsonb, timestamptz, jsonb) IS
    'Stores a raw response as received, given also as parsed (or counts a repeat of the same data), '
    'with how far its generated_time is from its receipt; returns its staging id and whether it is new.';

CREATE FUNCTION raceday.check_observation_time(staging_id bigint) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    src record;
    tolerance interval := (SELECT s.generated_time_tolerance FROM raceday.settings s);
BEGIN
    SELECT r.generated_at,
           coalesce(r.clock_skew,
                    least(greatest(r.generated_at, r.received_at - interval '1000 years'),
                          r.received_at + interval '1000 years') - r.received_at) AS skew
    INTO src FROM staging.raw_responses r WHERE r.id = check_observation_time.staging_id;
    IF greatest(src.skew, -src.skew) > tolerance THEN
        RAISE EXCEPTION 'generated_time % is % % its receipt, more than raceday.settings.generated_time_tolerance (%): not transformed, no history day made for it',
            coalesce(to_char(src.generated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), src.generated_at::text),
            raceday.duration_text(src.skew), CASE WHEN src.skew > interval '0' THEN 'ahead of' ELSE 'behind' END,
            raceday.duration_text(tolerance)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION raceday.check_observation_time(bigint) IS
    'Raises (22023) when a stored response''s generated_time is further from its receipt than settings.generated_time_tolerance.';

CREATE OR REPLACE FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    failure text;
BEGIN
    BEGIN
        IF kind = 'meetings' THEN
            PERFORM raceday.transform_meetings(staging_id, doc);
        ELSE
            -- The observation time picks the history day (and its
            -- partition): bounded before anything is derived.
            PERFORM raceday.check_observation_time(staging_id);
            PERFORM raceday.transform_event(staging_id, doc);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        failure := SQLSTATE || ': ' || SQLERRM;
    END;
    UPDATE staging.raw_responses SET processed_at = clock_timestamp(), transform_error = failure
    WHERE id = staging_id;
    RETURN failure IS NULL;
END
$$;
COMMENT ON FUNCTION raceday.run_transform(bigint, text, jsonb) IS
    'Transforms a stored response in a subtransaction, an event only if its generated_time is near its receipt; a failure quarantines it (transform_error) instead of raising.';

COMMIT;
