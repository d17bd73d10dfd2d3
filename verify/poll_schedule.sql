-- Verify raceday:poll_schedule on pg

DO $$
BEGIN
    ASSERT raceday.poll_interval('open', '2026-07-17 01:00Z', '2026-07-17 00:00Z') = '60 seconds',
        'poll_interval at 60 min';
    ASSERT raceday.poll_interval('final', '2026-07-17 01:00Z', '2026-07-17 00:00Z') IS NULL,
        'a final race is still polled';
    ASSERT raceday.next_poll_time('open', '2026-07-17 01:00Z', '2026-07-17 00:54:59.5Z') = '2026-07-17 00:55:14.5Z',
        'a poll just before the 5-minute boundary waits the 15-second interval';
    PERFORM 'raceday.plan_day(date)'::regprocedure, 'raceday.spread_overdue()'::regprocedure;
END
$$;
