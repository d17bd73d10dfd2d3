-- Deploy raceday:poll_targets to pg
-- requires: races settings
-- Why: the schedule lives in the database. One row per thing to poll (a
-- page of a day's meetings, or one race's event) with its next due time and
-- the lease of the fetcher that claimed it: any number of fetchers share the
-- work through claim_due_polls() without ever polling one target twice.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.poll_targets (
    target         text PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('meetings', 'event')),
    race_id        uuid REFERENCES raceday.races ON DELETE CASCADE,
    day            date,
    page_offset    integer CHECK (page_offset >= 0),
    next_poll_at   timestamptz,
    lease_owner    text,
    lease_until    timestamptz,
    last_polled_at timestamptz,
    last_status    integer,
    failures       integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    polls          bigint NOT NULL DEFAULT 0 CHECK (polls >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'event' AND race_id IS NOT NULL AND target = race_id::text
           OR kind = 'meetings' AND day IS NOT NULL AND page_offset IS NOT NULL
              AND target = format('meetings:%s:%s', day, page_offset)),
    CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
COMMENT ON TABLE raceday.poll_targets IS
    'The polling schedule: what to fetch next, when, and which fetcher holds it.';
COMMENT ON COLUMN raceday.poll_targets.target IS
    'An event''s race id, or meetings:<NZ day>:<page offset> for a page of the meetings list.';
COMMENT ON COLUMN raceday.poll_targets.next_poll_at IS 'Due time on raceday.clock(); null: polling has stopped.';
COMMENT ON COLUMN raceday.poll_targets.failures IS 'Failed polls in a row; drives the back-off.';

CREATE INDEX poll_targets_due_idx ON raceday.poll_targets (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX poll_targets_lease_idx ON raceday.poll_targets (lease_owner) WHERE lease_owner IS NOT NULL;

COMMIT;
