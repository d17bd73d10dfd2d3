-- Verify raceday:poll_schedule on pg

DO $$
BEGIN
    ASSERT raceday.poll_interval('open', '2026-07-17 01:00Z', '2026-07-17 00:00Z') = '60 seconds',
        'poll_interval at 60 min';
    ASSERT raceday.poll_interval('final', '2026-07-17 01:00Z', '2026-07-17 00:00Z') IS NULL,
        'a final race is still polled';
    PERFORM 'raceday.plan_day(date)'::regprocedure, 'raceday.spread_overdue()'::regprocedure;
END
$$;
