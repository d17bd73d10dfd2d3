-- Verify raceday:transform_money_flow on pg: a part of transform_event, on generic plans.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_money_flow(bigint, uuid, timestamptz, timestamptz, timestamptz, text, jsonb, jsonb, numeric, numeric)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig);
