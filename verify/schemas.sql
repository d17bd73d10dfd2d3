-- Verify raceday:schemas on pg

DO $$
BEGIN
    ASSERT (SELECT count(*) FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
            WHERE nspname IN ('staging', 'raceday', 'api', 'ops') AND rolname = 'raceday_owner') = 4,
        'a raceday schema is missing or not owned by raceday_owner';
END
$$;
