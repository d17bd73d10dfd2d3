-- Verify raceday:transform_race on pg: a part of transform_event, on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_race(uuid, timestamptz, jsonb, timestamptz, text)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig);
