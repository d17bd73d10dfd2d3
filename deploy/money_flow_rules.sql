-- Deploy raceday:money_flow_rules to pg
-- requires: schemas
-- Why: the arithmetic of DOMAIN.md §2 in one place, as small immutable
-- functions the transform uses and the tests pin down: the client's
-- buckets (half-minute steps after the start, so numeric), the interval
-- types, and money in integer cents rounded half away from zero (never
-- banker's rounding).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.time_bucket(minutes_to_start numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
    WHEN minutes_to_start >= 60 THEN 60
    WHEN minutes_to_start >= 5 THEN floor(minutes_to_start / 5) * 5
    WHEN minutes_to_start >= 1 THEN floor(minutes_to_start)
    WHEN minutes_to_start >= 0 THEN 0
    -- after the start: half-minute steps, the lower bound of the half-open range
    WHEN minutes_to_start >= -5 THEN floor(minutes_to_start * 2) / 2
    ELSE ceil(minutes_to_start)
END;
COMMENT ON FUNCTION raceday.time_bucket(numeric) IS
    'The client''s money-flow bucket (time_interval) for a time to start in minutes.';

CREATE FUNCTION raceday.interval_type(minutes_to_start numeric) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
    WHEN minutes_to_start > 30 THEN '5m'
    WHEN minutes_to_start > 5 THEN '2m'
    WHEN minutes_to_start > 0 THEN '30s'
    ELSE 'live'
END;
COMMENT ON FUNCTION raceday.interval_type(numeric) IS 'The client''s interval_type for a time to start in minutes.';

CREATE FUNCTION raceday.pool_cents(pool_dollars numeric, percentage numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
-- pool x percentage / 100 dollars = pool x percentage cents; half away from zero.
RETURN (sign(pool_dollars * percentage) * floor(abs(pool_dollars * percentage) + 0.5))::bigint;
COMMENT ON FUNCTION raceday.pool_cents(numeric, numeric) IS
    'A percentage of a pool in dollars, as integer cents rounded half away from zero.';

COMMIT;
