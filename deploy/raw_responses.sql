-- Deploy raceday:raw_responses to pg
-- requires: schemas
-- Why: raw first, never lost. Every TAB response (and every failed fetch, as
-- its status and error) is kept here before anything derives from it, so a
-- transform can be fixed and replayed. TAB changes the envelope's header on
-- every call, so duplicates are recognised by the hash of `data` per target:
-- a repeat only bumps seen_count and last_received_at. Bodies are large
-- (~400 KB of mostly form data per event) and compress well with lz4.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- convert_to() is only STABLE (it depends on the database encoding, which is
-- fixed at UTF8 for raceday), so the hash gets an IMMUTABLE wrapper to be
-- usable in a generated column.
CREATE FUNCTION staging.data_hash(body jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN sha256(convert_to((body -> 'data')::text, 'UTF8'));
COMMENT ON FUNCTION staging.data_hash(jsonb) IS
    'sha256 of the canonical text of a TAB envelope''s data (the header changes on every call).';

CREATE TABLE staging.raw_responses (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('meetings', 'event', 'meeting')),
    target           text NOT NULL,
    url              text,
    http_status      integer CHECK (http_status BETWEEN 100 AND 599),
    attempt          integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    worker           text,
    received_at      timestamptz NOT NULL DEFAULT now(),
    last_received_at timestamptz NOT NULL DEFAULT now(),
    seen_count       integer NOT NULL DEFAULT 1 CHECK (seen_count >= 1),
    generated_at     timestamptz,
    body             jsonb COMPRESSION lz4,
    body_raw         text COMPRESSION lz4,
    body_bytes       integer CHECK (body_bytes >= 0),
    content_hash     bytea GENERATED ALWAYS AS (staging.data_hash(body)) STORED,
    fetch_error      text,
    processed_at     timestamptz,
    transform_error  text,
    CHECK (body IS NULL OR body_raw IS NULL)
);
COMMENT ON TABLE staging.raw_responses IS
    'Every response fetched from TAB, as received, with its fetch outcome and transform outcome.';
COMMENT ON COLUMN staging.raw_responses.target IS
    'What was fetched: the race id of an event, the meeting id, or the meetings query.';
COMMENT ON COLUMN staging.raw_responses.generated_at IS
    'TAB''s header.generated_time: when the observation was true.';
COMMENT ON COLUMN staging.raw_responses.body_raw IS
    'The body as text when it was not valid JSON (truncated, malformed), so it is kept too.';
COMMENT ON COLUMN staging.raw_responses.content_hash IS
    'sha256 of the canonical text of body->data; the header changes on every call.';
COMMENT ON COLUMN staging.raw_responses.fetch_error IS 'Why the fetch failed (network, timeout, HTTP status), if it did.';
COMMENT ON COLUMN staging.raw_responses.transform_error IS 'Why the transform failed: the row is quarantined until a sweep succeeds.';

-- NULL hashes (failures, bodies without data) are distinct: never deduplicated.
CREATE UNIQUE INDEX raw_responses_dedupe_idx ON staging.raw_responses (target, content_hash);
CREATE INDEX raw_responses_target_idx ON staging.raw_responses (target, received_at);
CREATE INDEX raw_responses_received_idx ON staging.raw_responses (received_at);
-- The sweep's work list: bodies not yet processed, or quarantined.
CREATE INDEX raw_responses_pending_idx ON staging.raw_responses (id)
    WHERE body IS NOT NULL AND (processed_at IS NULL OR transform_error IS NOT NULL);

COMMIT;
