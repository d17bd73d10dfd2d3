-- Verify raceday:security_definer_search_path on pg: every SECURITY DEFINER
-- function of raceday's schemas ends its search_path with pg_temp.

DO $$
BEGIN
    ASSERT (SELECT count(*) > 0 AND bool_and(coalesce(
                (SELECT c ~ '^search_path=.*\mpg_temp$' FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), false))
            FROM pg_proc p
            WHERE p.prosecdef AND p.pronamespace::regnamespace::text IN ('raceday', 'staging', 'api', 'ops')),
        'a SECURITY DEFINER function does not end its search_path with pg_temp';
END
$$;
