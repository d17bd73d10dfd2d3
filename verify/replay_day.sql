-- Verify raceday:replay_day on pg

DO $$
BEGIN
    ASSERT (SELECT prosecdef FROM pg_proc WHERE oid = 'raceday.replay_day(date)'::regprocedure),
        'replay_day must run as its owner';
END
$$;
