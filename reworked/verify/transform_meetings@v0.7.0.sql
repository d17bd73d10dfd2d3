-- Verify raceday:transform_meetings on pg: the version that takes the
-- ingest's document, else parses the stored text.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_meetings(bigint, jsonb)'::regprocedure AND prosrc LIKE '%coalesce(doc, r.body::jsonb)%';
