-- Verify raceday:transform_event on pg: the reworked function, which takes
-- the document from its caller and runs its statements on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_event(bigint, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig) AND prosrc LIKE '%coalesce(doc, r.body::jsonb)%';
