-- Verify raceday:settings on pg

DO $$
BEGIN
    ASSERT (SELECT count(*) FROM raceday.settings) = 1, 'raceday.settings must hold one row';
    ASSERT raceday.clock() IS NOT NULL, 'raceday.clock() returned null';
END
$$;
