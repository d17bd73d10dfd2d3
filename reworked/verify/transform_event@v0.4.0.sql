-- Verify raceday:transform_event on pg: the reworked function, which reads
-- the runners once into a slim array.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_event(bigint)'::regprocedure AND prosrc LIKE '%jsonb_strip_nulls(%';
