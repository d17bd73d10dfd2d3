-- Verify raceday:transform_results on pg: a part of transform_event, on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_results(uuid, timestamptz, text, jsonb, jsonb, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig);
