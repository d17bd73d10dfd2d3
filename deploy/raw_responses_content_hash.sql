-- Deploy raceday:raw_responses_content_hash to pg
-- requires: raw_responses
-- Why: content_hash, the key that recognises a repeat of the same response,
-- was generated from body as sha256 of (body -> 'data')::text. That turns the
-- whole parsed document (about 500 KB for a real event) back into text on
-- every poll: 5 ms, a sixth of an ingest. The ingest has the response text
-- as received anyway, so the hash is now taken from it, with TAB's
-- generated_time left out (the one field that changes on every call), and
-- content_hash becomes a plain column that store_response fills. Rows stored
-- before keep the hashes they have.

BEGIN;

SET LOCAL ROLE raceday_owner;

-- The value is removed as the JSON string it is in the text ("...Z", quotes
-- included). A repeat whose other bytes differ (spacing, key order) is not
-- recognised as one, and is stored as a new row: nothing is lost.
CREATE FUNCTION staging.content_hash(body text, generated_time text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN sha256(convert_to(CASE WHEN generated_time IS NULL THEN body
                              ELSE replace(body, to_json(generated_time)::text, '') END, 'UTF8'));
COMMENT ON FUNCTION staging.content_hash(text, text) IS
    'sha256 of a response as received, its header.generated_time left out: equal for a repeat of the same data.';

ALTER TABLE staging.raw_responses ALTER COLUMN content_hash DROP EXPRESSION;
DROP FUNCTION staging.data_hash(jsonb);
COMMENT ON COLUMN staging.raw_responses.content_hash IS
    'staging.content_hash() of the response text: sha256 with TAB''s generated_time left out (rows from before '
    'raw_responses_content_hash: of the canonical text of body->data). Null for failures: never deduplicated.';

COMMIT;
