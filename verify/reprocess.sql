-- Verify raceday:reprocess on pg

SELECT 'raceday.reprocess(uuid)'::regprocedure, 'raceday.sweep(integer, boolean)'::regprocedure;

-- The sweep of this version takes unprocessed polls first and backs off from
-- quarantined ones (tests/test_sweep.py checks the behaviour; this tells the
-- versions apart).
SELECT 1 / (prosrc LIKE '%processed_at NULLS FIRST%')::integer FROM pg_proc
WHERE oid = 'raceday.sweep(integer, boolean)'::regprocedure;
