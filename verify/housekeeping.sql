-- Verify raceday:housekeeping on pg

DO $$
BEGIN
    ASSERT (SELECT count(*) FROM cron.job WHERE jobname IN
            ('raceday-partitions', 'raceday-sweep', 'raceday-staging-retention', 'raceday-cron-history')) = 4,
        'a housekeeping job is not scheduled';
    PERFORM 'raceday.maintain_partitions()'::regprocedure, 'raceday.prune_staging()'::regprocedure,
            'raceday.prune_cron_history()'::regprocedure;
END
$$;
