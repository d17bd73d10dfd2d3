-- Deploy raceday:meetings to pg
-- requires: touch_updated_at
-- Why: a race meeting (one venue, one NZ racing day) as TAB lists it. Its
-- status and first race time are derived from its races by the api view,
-- so they cannot disagree with them; so is race_type, from category.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.meetings (
    meeting_id      uuid PRIMARY KEY,
    meeting_name    text NOT NULL,
    country         text NOT NULL CHECK (country ~ '^[A-Z]{2,3}$'),
    category        text NOT NULL CHECK (category IN ('T', 'H', 'G')),
    date            date NOT NULL,
    state           text,
    track_condition text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.meetings IS 'Race meetings from GET /racing/meetings; date is the NZ racing day.';
COMMENT ON COLUMN raceday.meetings.category IS 'TAB category: T thoroughbred, H harness, G greyhound.';

CREATE INDEX meetings_date_idx ON raceday.meetings (date, country, category);

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.meetings
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
