-- Revert raceday:observation_time_bound from pg
-- run_transform as in ingest@v0.5.0, store_response as in store_response;
-- the new column of staging goes without a rewrite.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.run_transform(staging_id bigint, kind text, doc jsonb DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    failure text;
BEGIN
    BEGIN
        IF kind = 'meetings' THEN
            PERFORM raceday.transform_meetings(staging_id, doc);
        ELSE
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
    'Transforms a stored response in a subtransaction; a failure quarantines it (transform_error) instead of raising.';

-- Parameters are prefixed: they would otherwise shadow the table's columns.
CREATE OR REPLACE FUNCTION raceday.store_response(
    p_kind text, p_target text, p_text text, p_response jsonb, p_received_at timestamptz, p_meta jsonb,
    OUT staging_id bigint, OUT is_new boolean)
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    generated text := p_response #>> '{header,generated_time}';
BEGIN
    INSERT INTO staging.raw_responses AS r
        (kind, target, url, http_status, attempt, worker, received_at, last_received_at,
         generated_at, body, body_bytes, content_hash)
    VALUES (p_kind, p_target, p_meta ->> 'url', coalesce((p_meta ->> 'http_status')::integer, 200),
            coalesce((p_meta ->> 'attempt')::integer, 1), p_meta ->> 'worker',
            coalesce(p_received_at, now()), coalesce(p_received_at, now()),
            -- TAB writes nanoseconds; PostgreSQL keeps microseconds. A bad
            -- value leaves the column null rather than losing the response.
            CASE WHEN pg_input_is_valid(generated, 'timestamptz') THEN generated::timestamptz END,
            p_text, coalesce((p_meta ->> 'bytes')::integer, octet_length(p_text)),
            staging.content_hash(p_text, generated))
    ON CONFLICT (target, content_hash) DO UPDATE
        SET seen_count = r.seen_count + 1,
            last_received_at = greatest(r.last_received_at, excluded.received_at)
    RETURNING r.id, (r.xmax = 0) INTO staging_id, is_new;
END
$$;
COMMENT ON FUNCTION raceday.store_response(text, text, text, jsonb, timestamptz, jsonb) IS
    'Stores a raw response as received, given also as parsed (or counts a repeat of the same data); '
    'returns its staging id and whether it is new.';

DROP FUNCTION raceday.check_observation_time(bigint);
DROP FUNCTION raceday.duration_text(interval);
DROP FUNCTION raceday.clock_at(timestamptz);
ALTER TABLE staging.raw_responses DROP COLUMN clock_skew;
ALTER TABLE raceday.settings DROP COLUMN generated_time_tolerance;

COMMIT;
