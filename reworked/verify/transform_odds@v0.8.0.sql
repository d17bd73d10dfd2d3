-- Verify raceday:transform_odds on pg: a part of transform_event, on generic
-- plans, its insert naming no key.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_odds(bigint, uuid, timestamptz, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig) AND prosrc LIKE '%ON CONFLICT DO NOTHING%';
