-- Verify raceday:roles on pg

DO $$
BEGIN
    ASSERT (SELECT count(*) FROM pg_roles
            WHERE rolname IN ('raceday_owner', 'raceday_fetcher', 'authenticator', 'web_anon')) = 4,
        'a raceday role is missing';
    ASSERT (SELECT NOT rolinherit AND rolcanlogin FROM pg_roles WHERE rolname = 'authenticator'),
        'authenticator must be LOGIN NOINHERIT';
    ASSERT pg_has_role('authenticator', 'web_anon', 'MEMBER'), 'authenticator cannot switch to web_anon';
END
$$;
