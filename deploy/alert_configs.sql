-- Deploy raceday:alert_configs to pg
-- requires: touch_updated_at
-- Why: each user's six money-alert indicators (DOMAIN.md §7). A user who
-- never saved any has none stored: the defaults come from
-- raceday.alert_config_defaults, so changing a default reaches everyone who
-- kept it. An indicator's id is derived from the user and its display order,
-- so a default and the row saved in its place carry the same id, and a reset
-- followed by a save keeps the ids the client holds.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.alert_config_id(user_id text, display_order integer) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN md5('alert_configs:' || user_id || ':' || display_order)::uuid;
COMMENT ON FUNCTION raceday.alert_config_id(text, integer) IS
    'The stable id of a user''s indicator at a display order (the same for its default and its saved row).';

-- A table, not a function: the api view reads it with its owner's rights,
-- where a function would need EXECUTE granted to web_anon.
CREATE TABLE raceday.alert_config_defaults (
    display_order        smallint PRIMARY KEY CHECK (display_order BETWEEN 1 AND 6),
    percentage_range_min numeric(5,2) NOT NULL CHECK (percentage_range_min BETWEEN 0 AND 100),
    percentage_range_max numeric(5,2) CHECK (percentage_range_max > percentage_range_min AND percentage_range_max <= 100),
    color                text NOT NULL CHECK (color ~ '^#[0-9A-F]{6}$')
);
COMMENT ON TABLE raceday.alert_config_defaults IS
    'The six default indicators: percentage ranges of a runner''s share of the money and their colours.';
INSERT INTO raceday.alert_config_defaults VALUES
    (1, 5, 10, '#E5E7EB'), (2, 10, 15, '#BFDBFE'), (3, 15, 20, '#FEF3C7'),
    (4, 20, 25, '#FED7AA'), (5, 25, 50, '#FECACA'), (6, 50, NULL, '#F3E8FF');

CREATE TABLE raceday.alert_configs (
    indicator_id           uuid PRIMARY KEY,
    user_id                text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 200),
    indicator_type         text NOT NULL DEFAULT 'percentage_range' CHECK (indicator_type = 'percentage_range'),
    percentage_range_min   numeric(5,2) NOT NULL CHECK (percentage_range_min BETWEEN 0 AND 100),
    -- NULL: open ended ("50+").
    percentage_range_max   numeric(5,2) CHECK (percentage_range_max > percentage_range_min AND percentage_range_max <= 100),
    color                  text NOT NULL CHECK (color ~ '^#[0-9A-F]{6}$'),
    enabled                boolean NOT NULL DEFAULT true,
    display_order          smallint NOT NULL CHECK (display_order BETWEEN 1 AND 6),
    audible_alerts_enabled boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, display_order),
    CHECK (indicator_id = raceday.alert_config_id(user_id, display_order))
);
COMMENT ON TABLE raceday.alert_configs IS
    'Indicators a user saved; a user with none stored sees raceday.alert_config_defaults. Colours are kept upper case.';

CREATE TRIGGER touch_updated_at BEFORE UPDATE ON raceday.alert_configs
    FOR EACH ROW EXECUTE FUNCTION raceday.touch_updated_at();

COMMIT;
