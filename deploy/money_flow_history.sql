-- Deploy raceday:money_flow_history to pg
-- requires: entrants nz_racing_day
-- Why: the core of raceday: per poll and runner, how much money sits on the
-- runner and how much arrived since the previous bucket (DOMAIN.md §2).
-- Partitioned by NZ racing day on the observation time (event_timestamp) so
-- retention drops whole days and queries of a race touch one or two
-- partitions. Keys include the partition key, as PostgreSQL requires; the
-- unique key makes a replayed poll impossible to store twice.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.money_flow_history (
    id                       bigint GENERATED ALWAYS AS IDENTITY,
    race_id                  uuid NOT NULL REFERENCES raceday.races ON DELETE CASCADE,
    entrant_id               uuid NOT NULL REFERENCES raceday.entrants ON DELETE CASCADE,
    staging_id               bigint NOT NULL,
    type                     text NOT NULL DEFAULT 'bucketed_aggregation',
    pool_type                text NOT NULL DEFAULT 'combined',
    time_interval            numeric(5,1) NOT NULL,
    time_to_start            numeric(9,3) NOT NULL,
    interval_type            text NOT NULL CHECK (interval_type IN ('5m', '2m', '30s', 'live')),
    hold_percentage          numeric(7,2),
    bet_percentage           numeric(7,2),
    win_pool_amount          bigint,
    place_pool_amount        bigint,
    win_pool_percentage      numeric(7,2),
    place_pool_percentage    numeric(7,2),
    incremental_win_amount   bigint,
    incremental_place_amount bigint,
    incremental_amount       bigint,
    fixed_win_odds           numeric(10,2),
    fixed_place_odds         numeric(10,2),
    pool_win_odds            numeric(10,2),
    pool_place_odds          numeric(10,2),
    event_timestamp          timestamptz NOT NULL,
    polling_timestamp        timestamptz NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (id, event_timestamp),
    UNIQUE (race_id, entrant_id, event_timestamp)
) PARTITION BY RANGE (event_timestamp);
COMMENT ON TABLE raceday.money_flow_history IS
    'Money per runner per poll, bucketed by time to start; daily partitions on NZ racing days.';
COMMENT ON COLUMN raceday.money_flow_history.time_interval IS
    'The bucket: 60 cap, 5-minute steps, minutes under 5, half-minutes after the start.';
COMMENT ON COLUMN raceday.money_flow_history.time_to_start IS
    'Minutes from the observation to the advertised start; negative after it.';
COMMENT ON COLUMN raceday.money_flow_history.event_timestamp IS
    'Observation time: TAB header.generated_time, else the receive time. Partition key.';
COMMENT ON COLUMN raceday.money_flow_history.polling_timestamp IS 'When raceday received the response.';
COMMENT ON COLUMN raceday.money_flow_history.staging_id IS 'The raw response this row was derived from.';

-- The client pages a race's timeline by id or created_at.
CREATE INDEX money_flow_history_race_idx ON raceday.money_flow_history (race_id, entrant_id, time_interval, event_timestamp);
CREATE INDEX money_flow_history_created_idx ON raceday.money_flow_history (race_id, created_at);
CREATE INDEX money_flow_history_staging_idx ON raceday.money_flow_history (staging_id);

COMMIT;
