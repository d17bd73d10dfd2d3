-- Verify raceday:money_flow_rules on pg

DO $$
BEGIN
    ASSERT raceday.time_bucket(-0.3) = -0.5, 'time_bucket(-0.3) must be -0.5';
    ASSERT raceday.interval_type(0) = 'live', 'interval_type(0) must be live';
    ASSERT raceday.pool_cents(50000, 15.5) = 775000, 'pool_cents(50000, 15.5) must be 775000';
END
$$;
