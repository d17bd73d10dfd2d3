-- Revert raceday:raw_responses_content_hash from pg: content_hash generated
-- from body again. A plain column cannot become generated, so it is made
-- anew and every hash recomputed from the stored documents.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION staging.data_hash(body jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN sha256(convert_to((body -> 'data')::text, 'UTF8'));
COMMENT ON FUNCTION staging.data_hash(jsonb) IS
    'sha256 of the canonical text of a TAB envelope''s data (the header changes on every call).';

ALTER TABLE staging.raw_responses DROP COLUMN content_hash;
ALTER TABLE staging.raw_responses
    ADD COLUMN content_hash bytea GENERATED ALWAYS AS (staging.data_hash(body)) STORED;
COMMENT ON COLUMN staging.raw_responses.content_hash IS
    'sha256 of the canonical text of body->data; the header changes on every call.';
CREATE UNIQUE INDEX raw_responses_dedupe_idx ON staging.raw_responses (target, content_hash);

DROP FUNCTION staging.content_hash(text, text);

COMMIT;
