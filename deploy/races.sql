-- Deploy raceday:races to pg
-- requires: meetings
-- Why: one race, the unit the fetcher polls. Statuses are stored lower case
-- (the client's spelling); the times of status changes and of the last poll
-- make the pipeline's freshness visible (the polling schedule itself lives in
-- poll_targets).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.races (
    race_id            uuid PRIMARY KEY,
    meeting_id         uuid NOT NULL REFERENCES raceday.meetings ON DELETE CASCADE,
    name               text NOT NULL,
    race_number        integer NOT NULL CHECK (race_number > 0),
    start_time         timestamptz NOT NULL,
    actual_start       timestamptz,
    status             text NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'closed', 'interim', 'final', 'abandoned')),
    distance           integer CHECK (distance >= 0),
    track_condition    text,
    weather            text,
    type               text CHECK (type IN ('T', 'H', 'G')),
    field_size         integer CHECK (field_size >= 0),
    entrant_count      integer CHECK (entrant_count >= 0),
    positions_paid     integer CHECK (positions_paid >= 0),
    silk_url           text,
    race_date_nz       date,
    start_time_nz      text,
    last_status_change timestamptz,
    finalized_at       timestamptz,
    abandoned_at       timestamptz,
    last_poll_time     timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, race_number)
);
COMMENT ON TABLE raceday.races IS 'Races, from the meetings list and refined by each event poll.';
COMMENT ON COLUMN raceday.races.start_time IS 'Advertised start (UTC instant).';
COMMENT ON COLUMN raceday.races.start_time_nz IS 'TAB''s local start text, e.g. 12:50:00 NZST.';

CREATE INDEX races_start_time_idx ON raceday.races (start_time);

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.races
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
