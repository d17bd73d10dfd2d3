-- Verify raceday:reprocess on pg

SELECT 'raceday.reprocess(uuid)'::regprocedure, 'raceday.sweep(integer)'::regprocedure;

-- The sweep of this version reprocesses each race once (tests/test_sweep.py
-- checks the behaviour; this tells the versions apart).
SELECT 1 / (prosrc LIKE '%GROUP BY s.target%')::integer FROM pg_proc WHERE oid = 'raceday.sweep(integer)'::regprocedure;
