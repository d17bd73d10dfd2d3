-- Verify raceday:fetcher_statement_timeout on pg

DO $$
BEGIN
    ASSERT EXISTS (SELECT FROM pg_db_role_setting s, unnest(s.setconfig) c
                   WHERE s.setrole = 'raceday_fetcher'::regrole AND s.setdatabase = 0
                     AND c LIKE 'statement_timeout=%' AND c <> 'statement_timeout=0'),
        'raceday_fetcher has no statement timeout';
END
$$;
