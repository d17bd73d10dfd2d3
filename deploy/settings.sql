-- Deploy raceday:settings to pg
-- requires: schemas
-- Why: what raceday polls and how is configuration, and the schedule lives
-- in the database, so the configuration does too: one row, typed columns,
-- checked. The clock columns let tests and soaks run a simulated day faster
-- than real time: raceday.clock() is the schedule's notion of "now".

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.settings (
    id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
    countries          text[] NOT NULL DEFAULT '{NZ,AUS}' CHECK (cardinality(countries) > 0),
    categories         text[] NOT NULL DEFAULT '{T,H}'
                       CHECK (cardinality(categories) > 0 AND categories <@ '{T,H,G}'),
    meetings_page_size integer NOT NULL DEFAULT 100 CHECK (meetings_page_size BETWEEN 1 AND 200),
    meetings_refresh   interval NOT NULL DEFAULT '30 minutes' CHECK (meetings_refresh >= '1 minute'),
    baseline_at        time NOT NULL DEFAULT '06:00',
    lease              interval NOT NULL DEFAULT '30 seconds' CHECK (lease >= '5 seconds'),
    clock_virtual      timestamptz,
    clock_real         timestamptz,
    clock_speed        double precision NOT NULL DEFAULT 1 CHECK (clock_speed > 0),
    CHECK ((clock_virtual IS NULL) = (clock_real IS NULL))
);
COMMENT ON TABLE raceday.settings IS 'raceday''s configuration: one row.';
COMMENT ON COLUMN raceday.settings.countries IS 'TAB country codes polled (three letters for Australia: AUS).';
COMMENT ON COLUMN raceday.settings.categories IS 'TAB categories polled: T thoroughbred, H harness, G greyhound.';
COMMENT ON COLUMN raceday.settings.baseline_at IS 'NZ time of the daily baseline: the day''s meetings, then one poll per race.';
COMMENT ON COLUMN raceday.settings.lease IS 'How long a claimed poll belongs to its fetcher before others may take it.';
COMMENT ON COLUMN raceday.settings.clock_virtual IS
    'With clock_real and clock_speed: a simulated clock (clock_virtual at clock_real, running clock_speed times real time). Null: real time.';
INSERT INTO raceday.settings DEFAULT VALUES;

CREATE FUNCTION raceday.clock() RETURNS timestamptz
LANGUAGE sql STABLE
RETURN (SELECT coalesce(s.clock_virtual + (now() - s.clock_real) * s.clock_speed, now())
        FROM raceday.settings s);
COMMENT ON FUNCTION raceday.clock() IS 'The schedule''s now: real time unless settings hold a simulated clock.';

COMMIT;
