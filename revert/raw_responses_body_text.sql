-- Revert raceday:raw_responses_body_text from pg: bodies as jsonb again.
-- Every body is parsed and the table rewritten under an ACCESS EXCLUSIVE
-- lock: the runbook gives the time per GB of staging. One ALTER TABLE does
-- the type and the compression together: as two statements, the type
-- change reset the column to the default compression (pglz) and rewrote
-- every body with it, and SET COMPRESSION then changed only rows to come;
-- pglz made that rewrite 3 to 4 times slower and staging 17 % larger
-- (README, "Roll back", has the figures).

BEGIN;

SET LOCAL ROLE raceday_owner;

ALTER TABLE staging.raw_responses
    ALTER COLUMN body TYPE jsonb USING body::jsonb,
    ALTER COLUMN body SET COMPRESSION lz4;
COMMENT ON COLUMN staging.raw_responses.body IS NULL;

COMMIT;
