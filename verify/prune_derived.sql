-- Verify raceday:prune_derived on pg

SELECT 'raceday.prune_derived()'::regprocedure;
SELECT 1 / count(*)::int FROM cron.job WHERE jobname = 'raceday-derived-retention';
