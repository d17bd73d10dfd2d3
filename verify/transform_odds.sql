-- Verify raceday:transform_odds on pg: a part of transform_event, on generic
-- plans, its look-up reaching the poll's own instant and its insert without ON CONFLICT.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_odds(bigint, uuid, timestamptz, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig)
  AND prosrc LIKE '%h.event_timestamp <= observed%' AND prosrc NOT LIKE '%ON CONFLICT%';
