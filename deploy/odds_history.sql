-- Deploy raceday:odds_history to pg
-- requires: entrants nz_racing_day
-- Why: how each runner's four prices moved (DOMAIN.md §3). Only moves of more
-- than 0.01 are stored, so a row is an event, not a sample. Partitioned like
-- money_flow_history, by NZ racing day on the observation time.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.odds_history (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    race_id         uuid NOT NULL REFERENCES raceday.races ON DELETE CASCADE,
    entrant_id      uuid NOT NULL REFERENCES raceday.entrants ON DELETE CASCADE,
    staging_id      bigint NOT NULL,
    odds_type       text NOT NULL CHECK (odds_type IN ('fixed_win', 'fixed_place', 'pool_win', 'pool_place')),
    odds            numeric(10,2) NOT NULL CHECK (odds > 0),
    event_timestamp timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (id, event_timestamp),
    UNIQUE (entrant_id, odds_type, event_timestamp)
) PARTITION BY RANGE (event_timestamp);
COMMENT ON TABLE raceday.odds_history IS
    'Odds moves (> 0.01) per runner and odds type; daily partitions on NZ racing days.';
COMMENT ON COLUMN raceday.odds_history.event_timestamp IS 'Observation time of the poll that saw the move. Partition key.';

CREATE INDEX odds_history_race_idx ON raceday.odds_history (race_id, entrant_id, odds_type, event_timestamp);
CREATE INDEX odds_history_staging_idx ON raceday.odds_history (staging_id);

COMMIT;
