-- Deploy raceday:race_pools to pg
-- requires: races
-- Why: the latest tote pool totals of each race, in integer cents (the
-- client divides by 100); total_race_pool sums every pool of the race, not
-- only the six named ones.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.race_pools (
    race_id             uuid PRIMARY KEY REFERENCES raceday.races ON DELETE CASCADE,
    win_pool_total      bigint NOT NULL DEFAULT 0 CHECK (win_pool_total >= 0),
    place_pool_total    bigint NOT NULL DEFAULT 0 CHECK (place_pool_total >= 0),
    quinella_pool_total bigint NOT NULL DEFAULT 0 CHECK (quinella_pool_total >= 0),
    trifecta_pool_total bigint NOT NULL DEFAULT 0 CHECK (trifecta_pool_total >= 0),
    exacta_pool_total   bigint NOT NULL DEFAULT 0 CHECK (exacta_pool_total >= 0),
    first4_pool_total   bigint NOT NULL DEFAULT 0 CHECK (first4_pool_total >= 0),
    total_race_pool     bigint NOT NULL DEFAULT 0 CHECK (total_race_pool >= 0),
    currency            text NOT NULL DEFAULT 'NZD' CHECK (currency ~ '^[A-Z]{3}$'),
    last_updated        timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.race_pools IS 'Latest tote pool totals per race, integer cents.';
COMMENT ON COLUMN raceday.race_pools.last_updated IS 'Observation time of the poll the totals come from.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.race_pools
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
