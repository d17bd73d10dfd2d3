-- Verify raceday:transform_event on pg: the short sequence, which calls its
-- parts (on generic plans, as before) and no longer holds their statements.

SELECT 1 / count(*) FROM pg_proc
WHERE oid = 'raceday.transform_event(bigint, jsonb)'::regprocedure
  AND 'plan_cache_mode=force_generic_plan' = ANY (proconfig) AND prosrc LIKE '%coalesce(doc, r.body::jsonb)%'
  AND prosrc LIKE '%raceday.transform_money_flow(%' AND prosrc NOT LIKE '%INSERT INTO%';
