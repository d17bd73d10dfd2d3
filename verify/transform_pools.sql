-- Verify raceday:transform_pools on pg: a part of transform_event, on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_pools(uuid, timestamptz, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig);
