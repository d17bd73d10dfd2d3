-- Revert raceday:raw_responses_body_text from pg: bodies as jsonb again
-- (each parsed: the table is rewritten).

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE staging.raw_responses ALTER COLUMN body TYPE jsonb USING body::jsonb;
ALTER TABLE staging.raw_responses ALTER COLUMN body SET COMPRESSION lz4;
COMMENT ON COLUMN staging.raw_responses.body IS NULL;

COMMIT;
