-- Deploy raceday:store_response to pg
-- requires: raw_responses
-- Why: the first statement of every ingest: keep the response before
-- anything derives from it. A repeat of the same data for the same target
-- (TAB's header changes on every call, its data does not between refreshes)
-- is counted on the existing row instead of stored again.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- Parameters are prefixed: they would otherwise shadow the table's columns.
CREATE FUNCTION raceday.store_response(
    p_kind text, p_target text, p_response jsonb, p_received_at timestamptz, p_meta jsonb,
    OUT staging_id bigint, OUT is_new boolean)
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    generated text := p_response #>> '{header,generated_time}';
BEGIN
    INSERT INTO staging.raw_responses AS r
        (kind, target, url, http_status, attempt, worker, received_at, last_received_at,
         generated_at, body, body_bytes)
    VALUES (p_kind, p_target, p_meta ->> 'url', coalesce((p_meta ->> 'http_status')::integer, 200),
            coalesce((p_meta ->> 'attempt')::integer, 1), p_meta ->> 'worker',
            coalesce(p_received_at, now()), coalesce(p_received_at, now()),
            -- TAB writes nanoseconds; PostgreSQL keeps microseconds. A bad
            -- value leaves the column null rather than losing the response.
            CASE WHEN pg_input_is_valid(generated, 'timestamptz') THEN generated::timestamptz END,
            p_response, coalesce((p_meta ->> 'bytes')::integer, octet_length(p_response::text)))
    ON CONFLICT (target, content_hash) DO UPDATE
        SET seen_count = r.seen_count + 1,
            last_received_at = greatest(r.last_received_at, excluded.received_at)
    RETURNING r.id, (r.xmax = 0) INTO staging_id, is_new;
END
$$;
COMMENT ON FUNCTION raceday.store_response(text, text, jsonb, timestamptz, jsonb) IS
    'Stores a raw response (or counts a repeat of the same data); returns its staging id and whether it is new.';

COMMIT;
