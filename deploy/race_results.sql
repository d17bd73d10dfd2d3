-- Deploy raceday:race_results to pg
-- requires: races
-- Why: placings and dividends once a race is Interim or Final, as the
-- client's results panel reads them; the JSON columns keep TAB's arrays so
-- nothing of the result is lost, the flags make protests and photos queryable.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE TABLE raceday.race_results (
    race_id           uuid PRIMARY KEY REFERENCES raceday.races ON DELETE CASCADE,
    results_data      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(results_data) = 'array'),
    dividends_data    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(dividends_data) = 'array'),
    fixed_odds_data   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(fixed_odds_data) = 'object'),
    result_status     text NOT NULL CHECK (result_status IN ('interim', 'final')),
    results_available boolean NOT NULL DEFAULT false,
    photo_finish      boolean NOT NULL DEFAULT false,
    stewards_inquiry  boolean NOT NULL DEFAULT false,
    protest_lodged    boolean NOT NULL DEFAULT false,
    result_time       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raceday.race_results IS 'Results and dividends per race (interim, then final).';
COMMENT ON COLUMN raceday.race_results.fixed_odds_data IS 'Fixed odds at the result, keyed by runner number.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.race_results
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
