-- Every SECURITY DEFINER function of raceday's schemas ends its search_path
-- with pg_temp: unnamed, the caller's temporary schema would be searched
-- first for tables and types, and a temporary look-alike would run with the
-- owner's rights. A new function that forgets it fails here.
BEGIN;
SELECT plan(3);

SELECT cmp_ok((SELECT count(*) FROM pg_proc
               WHERE prosecdef AND pronamespace::regnamespace::text IN ('raceday', 'staging', 'api', 'ops')),
              '>=', 19::bigint, 'the SECURITY DEFINER functions are found');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.prosecdef AND p.pronamespace::regnamespace::text IN ('raceday', 'staging', 'api', 'ops')
                  AND NOT coalesce((SELECT c ~ '^search_path=.*\mpg_temp$' FROM unnest(p.proconfig) c
                                    WHERE c LIKE 'search_path=%'), false)
                ORDER BY 1),
          '{}'::text[], 'each sets a search_path that ends with pg_temp');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                WHERE p.prosecdef AND p.pronamespace::regnamespace::text IN ('raceday', 'staging', 'api', 'ops')
                  AND NOT coalesce((SELECT c LIKE 'search_path=pg_catalog,%' FROM unnest(p.proconfig) c
                                    WHERE c LIKE 'search_path=%'), false)
                ORDER BY 1),
          '{}'::text[], 'and starts with pg_catalog');

SELECT * FROM finish();
ROLLBACK;
