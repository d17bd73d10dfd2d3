-- Deploy raceday:raw_responses_body_text to pg
-- requires: raw_responses_content_hash transform_event transform_meetings
-- Why: staging kept each response as jsonb, the document parsed from what
-- arrived rather than what arrived: key order, spacing, duplicate keys and
-- the spelling of numbers were gone. It was also the larger form: lz4 keeps
-- a 505 KB event's text in 87 KB and its jsonb in 110 KB, and make bench
-- found a simulated day's staging at 1.47 GB against a goal of 1 GB. body is
-- now the text as received. The ingest still parses it before storing (a
-- body jsonb cannot hold is kept as a failed fetch, as before) and hands the
-- document to the transform, so only a reprocess parses a stored body again.
-- The type change rewrites the table; rows stored before keep jsonb's text
-- of their document.

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE staging.raw_responses ALTER COLUMN body TYPE text USING body::text;
ALTER TABLE staging.raw_responses ALTER COLUMN body SET COMPRESSION lz4;
COMMENT ON COLUMN staging.raw_responses.body IS
    'The response as received: text of JSON that jsonb can hold (others are failures, in body_raw); lz4-compressed.';

COMMIT;
