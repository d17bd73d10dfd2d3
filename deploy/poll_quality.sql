-- Deploy raceday:poll_quality to pg
-- requires: races raw_responses
-- Why: bettors act on these numbers, so each event poll carries its own
-- evidence of quality: do hold and bet add up to about 100 over the field,
-- did the money tracker name runners that do not exist, were the Win and
-- Place pools there. One row per poll, written by the transform.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.poll_quality (
    staging_id     bigint PRIMARY KEY,
    race_id        uuid NOT NULL REFERENCES raceday.races ON DELETE CASCADE,
    observed_at    timestamptz NOT NULL,
    status         text NOT NULL,
    runners        integer NOT NULL,
    active_runners integer NOT NULL,
    hold_sum       numeric(7,2),
    bet_sum        numeric(7,2),
    stray_ids      integer NOT NULL DEFAULT 0,
    missing_pools  text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.poll_quality IS 'Data-quality facts of each transformed event poll.';
COMMENT ON COLUMN raceday.poll_quality.stray_ids IS 'Money-tracker entrant ids that are not runners of the race.';
COMMENT ON COLUMN raceday.poll_quality.missing_pools IS 'Of Win and Place, the pools the poll did not carry.';

CREATE INDEX poll_quality_race_idx ON raceday.poll_quality (race_id, observed_at);

COMMIT;
