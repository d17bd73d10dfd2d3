-- Verify raceday:reprocess on pg

SELECT 'raceday.reprocess(uuid)'::regprocedure, 'raceday.sweep(integer)'::regprocedure;

-- The reworked sweep remembers the races it rebuilt.
SELECT 1 / (strpos(prosrc, 'rebuilt') > 0)::integer FROM pg_proc WHERE oid = 'raceday.sweep(integer)'::regprocedure;
