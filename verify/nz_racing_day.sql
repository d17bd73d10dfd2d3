-- Verify raceday:nz_racing_day on pg

DO $$
BEGIN
    ASSERT raceday.nz_day_start('2026-07-17') = '2026-07-16 12:00Z', 'NZ midnight is wrong';
    ASSERT raceday.nz_racing_day('2026-07-16 12:00Z') = '2026-07-17', 'NZ racing day is wrong';
END
$$;
