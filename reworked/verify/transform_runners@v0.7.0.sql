-- Verify raceday:transform_runners on pg: a part of transform_event, on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_runners(uuid, jsonb, jsonb, numeric, numeric)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig);
