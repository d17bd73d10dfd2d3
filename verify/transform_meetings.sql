-- Verify raceday:transform_meetings on pg: the version that parses the stored text.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_meetings(bigint)'::regprocedure AND prosrc LIKE '%r.body::jsonb%';
