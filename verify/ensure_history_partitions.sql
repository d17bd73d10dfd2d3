-- Verify raceday:ensure_history_partitions on pg

SELECT 'raceday.ensure_history_partitions(date, date)'::regprocedure;

DO $$
BEGIN
    ASSERT to_regclass('raceday.money_flow_history_' || to_char(raceday.nz_racing_day(now()), 'YYYYMMDD')) IS NOT NULL,
        'today''s money_flow_history partition is missing';
    ASSERT to_regclass('raceday.odds_history_' || to_char(raceday.nz_racing_day(now()) + 7, 'YYYYMMDD')) IS NOT NULL,
        'the odds_history partition 7 days ahead is missing';
END
$$;
