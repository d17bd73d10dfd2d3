-- Verify raceday:transform_meetings on pg: the version that stamps a status
-- change with the page's observation time.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_meetings(bigint, jsonb)'::regprocedure AND prosrc LIKE '%coalesce(doc, r.body::jsonb)%'
  AND prosrc LIKE '%THEN observed ELSE%';
