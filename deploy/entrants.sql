-- Deploy raceday:entrants to pg
-- requires: races
-- Why: the runners of a race with their current odds and money, the row the
-- client's entrants grid shows. Money is integer cents, percentages numeric
-- (never float), odds decimal dollars per $1 (null when TAB gives 0 or none).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.entrants (
    entrant_id            uuid PRIMARY KEY,
    race_id               uuid NOT NULL REFERENCES raceday.races ON DELETE CASCADE,
    name                  text NOT NULL,
    runner_number         integer NOT NULL CHECK (runner_number >= 0),
    barrier               text,
    jockey                text,
    trainer_name          text,
    silk_colours          text,
    silk_url_64x64        text,
    silk_url_128x128      text,
    is_scratched          boolean NOT NULL DEFAULT false,
    is_late_scratched     boolean NOT NULL DEFAULT false,
    scratch_time          timestamptz,
    is_emergency          boolean NOT NULL DEFAULT false,
    favourite             boolean NOT NULL DEFAULT false,
    mover                 boolean NOT NULL DEFAULT false,
    fixed_win_odds        numeric(10,2) CHECK (fixed_win_odds > 0),
    fixed_place_odds      numeric(10,2) CHECK (fixed_place_odds > 0),
    pool_win_odds         numeric(10,2) CHECK (pool_win_odds > 0),
    pool_place_odds       numeric(10,2) CHECK (pool_place_odds > 0),
    hold_percentage       numeric(7,2),
    bet_percentage        numeric(7,2),
    win_pool_amount       bigint,
    place_pool_amount     bigint,
    win_pool_percentage   numeric(7,2),
    place_pool_percentage numeric(7,2),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.entrants IS 'Runners of each race with their latest odds and money figures.';
COMMENT ON COLUMN raceday.entrants.barrier IS 'Text: an integer for gallops, e.g. Fr1 or Sr2 for harness mobile starts.';
COMMENT ON COLUMN raceday.entrants.win_pool_amount IS 'Integer cents: Win pool total x hold percentage.';

CREATE INDEX entrants_race_idx ON raceday.entrants (race_id, runner_number);

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.entrants
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
